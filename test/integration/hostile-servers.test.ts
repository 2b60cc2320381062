/**
 * Servers that are not ZooKeeper, or a ZooKeeper gone wrong: each round must come back
 * within its deadline + 10% with a classification, and leave nothing behind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeErrorKind, ServerMode } from '../../functions/contract/probe-round.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { expectNoHang } from '../support/hang-guard.ts';

// Long enough that the +10 % margin (150 ms) absorbs event-loop lag on a loaded 2-core machine.
const DEADLINE_MS = 1500;

let child: ChildProcess;
let ports: Record<string, number>;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  child = fork(join(import.meta.dirname, '..', 'support', 'hostile-servers.mjs'), { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  ports = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString('utf8')) as Record<string, number>));
  });
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  child?.kill('SIGKILL');
});

/** Connections the hostile servers still hold, by behaviour. */
function serverSideOpen(): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    child.once('message', (counts) => resolve(counts as Record<string, number>));
    child.send('count');
  });
}

/** Open TCP handles in this process: ours are all client sockets now. */
function clientSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSSocketWrap').length;
}

/** Polls until `settled` holds or the bound passes; cleanup crosses a process boundary. */
async function settle(settled: () => Promise<boolean>, boundMs = 2000): Promise<void> {
  const until = Date.now() + boundMs;
  while (!(await settled()) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
}

describe('hostile servers', () => {
  it.each<[string, ServerMode, ProbeErrorKind[]]>([
    ['silent', 'timeout', ['reply-timeout']],
    ['drip', 'timeout', ['reply-timeout']],
    ['flood', 'malformed', ['reply-too-large']],
    ['garbage', 'malformed', ['malformed']],
    ['reset', 'unreachable', ['connection-reset']],
    ['hangup', 'not-serving', ['no-reply']],
    ['imok-to-all', 'malformed', ['malformed']],
    ['half-reply', 'timeout', ['reply-timeout']],
  ])('%s → %s, within the deadline, nothing left open', async (name, mode, kinds) => {
    const port = ports[name] as number;
    const before = clientSockets();
    const started = performance.now();
    const round = await probeEnsemble([{ host: '127.0.0.1', port, adminPort: port }], { timeoutMs: DEADLINE_MS, canary: {} });
    const elapsed = performance.now() - started;

    expectNoHang(elapsed, DEADLINE_MS);
    expect(round.servers[0]?.mode).toBe(mode);
    expect(kinds).toContain(round.servers[0]?.error?.kind);
    expect(round.canary?.ok).toBe(false);
    expect(round.canary?.error?.kind).toBeDefined();
    // Our sockets are destroyed when the round returns; their handles close on the next
    // turns of the loop, and the server process notices a moment later.
    await settle(async () => clientSockets() <= before && (await serverSideOpen())[name] === 0);
    expect(clientSockets()).toBeLessThanOrEqual(before);
    expect((await serverSideOpen())[name]).toBe(0);
    expect(unhandled).toEqual([]);
  });

  it('a flood is cut at the byte cap, not read to the end', async () => {
    const port = ports.flood as number;
    const round = await probeEnsemble([{ host: '127.0.0.1', port }], { timeoutMs: DEADLINE_MS, maxReplyBytes: 64 * 1024, words: ['mntr'] });
    expect(round.servers[0]?.error).toMatchObject({ kind: 'reply-too-large', message: 'mntr reply exceeded 65536 bytes' });
  });
});
