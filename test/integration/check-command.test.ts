/**
 * `zk-lookout check` as Nagios runs it: a child process, one line on stdout, the exit code.
 */
import { freePort } from '../support/ports.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { privateEnsemble } from '../support/ensembles.ts';
import { waitUntil } from '../support/wait-until.ts';

const trio = inject('trio');
const broken = await privateEnsemble({ size: 3 });
const secure = await privateEnsemble({ size: 1, tls: true });
const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/zk-lookout.mjs', 'check', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const servers = (ports: number[]) => ports.map((p) => `127.0.0.1:${p}`).join(',');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first line without its performance data (whose timings vary), the performance data, and the long output. */
function parts(stdout: string): { first: string; perf: string; details: string[] } {
  const [line = '', ...details] = stdout.trimEnd().split('\n');
  const [first = '', perf = ''] = line.split(' | ');
  return { first, perf, details };
}

describe('zk-lookout check', () => {
  it('a healthy trio is OK (exit 0) with performance data and one line per server', async () => {
    const { code, stdout } = await check('--servers', servers(trio.servers.map((s) => s.port)), '--timeout-ms', '2000');
    expect(code).toBe(0);
    const { first, perf, details } = parts(stdout);
    expect(first).toMatch(/^ZK-LOOKOUT OK - 3\/3 serving, leader 127\.0\.0\.1:\d+, warning probability [\d.]+$/);
    expect(perf).toMatch(/^leaders=1;1:1;1:;0 serving=3;;2:;0;3 quorum=1;;1:;0;1 warn_probability=[\d.]+;0\.5;;0;1 probe_ms=\d+ms;;;0$/);
    expect(details).toHaveLength(3);
    for (const line of details) expect(line).toMatch(/^127\.0\.0\.1:\d+: (leader|follower), latency min\/avg\/max [\d.]+\/[\d.]+\/[\d.]+ ms, answered in \d+ ms$/);
  });

  it('refused, one server: CRITICAL - server down, naming the server and the cause', async () => {
    const port = await freePort();
    const { code, stdout } = await check('--servers', servers([port]), '--timeout-ms', '1000');
    expect(code).toBe(2);
    const { first, perf, details } = parts(stdout);
    expect(first).toBe(`ZK-LOOKOUT CRITICAL - server down: 127.0.0.1:${port} connection-refused`);
    expect(perf).toMatch(/^leaders=0;;;0 serving=0;;1:;0;1 quorum=0;;1:;0;1 warn_probability=[\d.]+;0\.5;;0;1 probe_ms=\d+ms;;;0$/);
    expect(details).toEqual([expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${port}: unreachable, connection-refused \\(nothing listens on 127\\.0\\.0\\.1:${port}\\), answered in \\d+ ms$`))]);
  });

  it('DNS: a name that does not resolve is CRITICAL - server down … dns-unresolved', async () => {
    const { code, stdout } = await check('--servers', 'nonexistent.invalid:2181', '--timeout-ms', '2000');
    expect(code).toBe(2);
    const { first, details } = parts(stdout);
    expect(first).toBe('ZK-LOOKOUT CRITICAL - server down: nonexistent.invalid:2181 dns-unresolved');
    expect(details[0]).toMatch(/^nonexistent\.invalid:2181: unreachable, dns-unresolved \(.*ENOTFOUND nonexistent\.invalid\)/);
  });

  it('TLS: a certificate the system does not trust is CRITICAL - server down … tls-failed', async () => {
    const port = secure.server(1).securePort as number;
    const { code, stdout } = await check('--servers', servers([port]), '--tls', '--timeout-ms', '3000');
    expect(code).toBe(2);
    const { first, details } = parts(stdout);
    expect(first).toBe(`ZK-LOOKOUT CRITICAL - server down: 127.0.0.1:${port} tls-failed`);
    expect(details[0]).toMatch(/self-signed certificate/);
  });

  it('paused: a SIGSTOPped follower is CRITICAL, named with its timeout; the other two still serve', async () => {
    const [paused] = await broken.followers();
    if (paused === undefined) throw new Error('need a follower');
    broken.pause(paused);
    try {
      const { code, stdout } = await check('--servers', broken.connectString, '--timeout-ms', '1000');
      expect(code).toBe(2);
      const { first, perf, details } = parts(stdout);
      expect(first).toBe(`ZK-LOOKOUT CRITICAL - ${broken.server(paused).address} reply-timeout; 2 of 3 serving`);
      expect(perf).toMatch(/^leaders=1;1:1;1:;0 serving=2;;2:;0;3 quorum=1;;1:;0;1 /);
      expect(details).toContainEqual(expect.stringMatching(new RegExp(`^${escape(broken.server(paused).address)}: timeout, reply-timeout \\(`)));
    } finally {
      broken.resume(paused);
    }
    // Resumed, the follower may first find its leader gone and rejoin through an election.
    const deadline = Date.now() + 30_000;
    while ((await broken.followers()).length !== 2) {
      if (Date.now() > deadline) throw new Error(`the ensemble did not settle back to one leader and two followers: ${JSON.stringify([...(await broken.modes())])}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  it('no quorum: two of three servers stopped is CRITICAL - each named with its cause; quorum lost', async () => {
    // A loaded machine can make one srvr answer late: ask until both followers say so.
    let followers: number[] = [];
    await waitUntil(async () => (followers = await broken.followers()).length === 2, 'two followers to stop');
    const [a, b] = followers as [number, number];
    await Promise.all([broken.stop(a), broken.stop(b)]);
    // The survivor notices it lost its followers only after its sync limit.
    await waitUntil(async () => [...(await broken.modes()).values()].every((mode) => mode === undefined), 'the survivor to stop serving');
    const { code, stdout } = await check('--servers', broken.connectString, '--timeout-ms', '1000');
    expect(code).toBe(2);
    const { first, perf } = parts(stdout);
    // The survivor still answers, but a server without a quorum does not serve.
    const named = broken.servers.map((s) => `${s.address} ${s.id === a || s.id === b ? 'connection-refused' : 'not-serving'}`).join(', ');
    expect(first).toBe(`ZK-LOOKOUT CRITICAL - ${named}; quorum lost (0 of 3 serving)`);
    expect(perf).toMatch(/^leaders=0;1:1;1:;0 serving=0;;2:;0;3 quorum=0;;1:;0;1 /);
  });

  it('a warning threshold the healthy trio exceeds is WARNING (exit 1)', async () => {
    const file = join(dir, 'strict.json');
    writeFileSync(file, JSON.stringify({ signals: { 'fd-use': { nu: 0, tau: 0.0001 } } }));
    const { code, stdout } = await check('--servers', servers(trio.servers.map((s) => s.port)), '--thresholds', file);
    expect(code).toBe(1);
    // One warning per cause: the line gives the cause's own sentence (value with its unit, ν, risk).
    expect(stdout).toMatch(/^ZK-LOOKOUT WARNING - fd-use [\d.]+ % on 127\.0\.0\.1:\d+ \(ν 0 %, τ 0\.01 %, risk 100 %\)/);
  });

  it('an invalid thresholds document or bad options are UNKNOWN (exit 3) and say why', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"signals":{"fd-use":{"tau":0}}}');
    const bad = await check('--servers', '127.0.0.1:1', '--thresholds', file);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toMatch(/^ZK-LOOKOUT UNKNOWN - invalid thresholds: .*bad\.json: signals\.fd-use\.tau: tau must be > 0/);
    const usage = await check('--timeout-ms', '5');
    expect(usage.code).toBe(3);
    expect(usage.stdout).toMatch(/^ZK-LOOKOUT UNKNOWN - check needs --servers/);
  });
});
