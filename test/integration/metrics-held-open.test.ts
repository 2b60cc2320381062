/**
 * `/metrics` cannot be held open (issue 17): `zk-lookout run`, limited to 256 file
 * descriptors, watches the shared healthy trio while 400 idle, half-sent requests sit on
 * its metrics port. Before the server had connection and header limits those sockets
 * took the descriptors and the next round reported every server down and quorum lost.
 * Now every round during the attack sees the trio whole and nothing fires; the server's
 * own timeouts then close the idle sockets and scrapes work again.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { eventually, stopChild, tempDir } from '../support/prometheus-tools.ts';

const trio = inject('trio');
const dir = tempDir('zk-lookout-held-open-');
const port = await freePort();
const config = join(dir, 'zk-lookout.json');
writeFileSync(
  config,
  JSON.stringify({
    ensembles: [{ name: 'trio', servers: trio.servers.map((s) => `127.0.0.1:${s.port}`), timeoutMs: 2000, canary: { enabled: false } }],
    intervalSeconds: 1,
    storeDir: null,
  }),
);

interface TickLine {
  ensemble: string;
  round?: { roundId: string; servers: { mode: string; error?: { kind: string } }[]; ensemble: { serving: number; hasQuorum: boolean } };
  evaluation?: { transitions: { alertKey: string; change: string }[] };
  error?: string;
  at: number;
}
const ticks: TickLine[] = [];
let stderr = '';
// `ulimit -n` makes the descriptor limit small enough that 400 held sockets would exhaust it.
const child = spawn('bash', ['-c', `ulimit -n 256 && exec node bin/zk-lookout.mjs run --config ${config} --memory --json --metrics-port ${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
let buffer = '';
child.stdout.on('data', (d: Buffer) => {
  buffer += d.toString();
  const lines = buffer.split('\n');
  buffer = lines.pop() ?? '';
  for (const line of lines) if (line.startsWith('{')) ticks.push({ ...(JSON.parse(line) as TickLine), at: Date.now() });
});
child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
const sockets: Socket[] = [];
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await stopChild(child);
});

const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) })).text();

describe('400 idle partial connections to /metrics', () => {
  it('leave every round whole and raise no alarm, and are closed by the server', { timeout: 90_000 }, async () => {
    await eventually('first rounds', async () => (ticks.length >= 2 && (await scrape()).includes('zk_lookout_rounds_total') ? true : undefined), 45_000);
    const attackStarted = Date.now();
    let closedByServer = 0;
    for (let i = 0; i < 400; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => closedByServer++);
      socket.resume(); // read what the server sends (its 408), so its close reaches us
      socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n'); // never finished
      sockets.push(socket);
    }
    // Six rounds with the sockets held (they are held for the server's header timeout, 5 s, at most).
    await eventually('six rounds during the attack', async () => (ticks.filter((t) => t.at > attackStarted).length >= 6 ? true : undefined), 30_000);
    const during = ticks.filter((t) => t.at > attackStarted);
    expect(stderr).not.toMatch(/EMFILE/);
    for (const tick of during) {
      expect(tick.error, JSON.stringify(tick)).toBeUndefined();
      expect(tick.round?.servers.map((s) => s.mode).sort()).toEqual(['follower', 'follower', 'leader']);
      expect(tick.round?.ensemble.hasQuorum).toBe(true);
      expect(tick.evaluation?.transitions ?? []).toEqual([]);
    }
    // The server closes the idle half-requests itself, and then answers scrapes again.
    await eventually('the server closed the held sockets', async () => (closedByServer === 400 ? true : undefined), 30_000);
    expect(await scrape()).toMatch(/^zk_lookout_rounds_total\{ensemble="trio"\} \d+$/m);
  });
});
