/**
 * Servers that are not ZooKeeper, or a ZooKeeper gone wrong: each round must come back
 * within its deadline + 10% with a classification, and leave nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeErrorKind, ServerMode } from '../../functions/core/probe/probe-round.ts';
import { probeEnsemble } from '../../functions/probe/probe-ensemble.ts';

const DEADLINE_MS = 800;
type Behaviour = (socket: Socket) => void;

const behaviours: Record<string, Behaviour> = {
  silent: () => undefined,
  drip: (socket) => {
    const timer = setInterval(() => socket.write('i'), 1000);
    socket.on('close', () => clearInterval(timer));
  },
  flood: (socket) => {
    socket.end(Buffer.alloc(10 * 1024 * 1024, 'x'));
  },
  garbage: (socket) => {
    socket.end(randomBytes(4096));
  },
  reset: (socket) => {
    socket.resetAndDestroy();
  },
  hangup: (socket) => {
    socket.end();
  },
  // Something else on the port that answers every question the same way.
  'imok-to-all': (socket) => {
    socket.end('imok');
  },
};

const servers = new Map<string, { server: Server; port: number; sockets: Set<Socket> }>();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  for (const [name, behave] of Object.entries(behaviours)) {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
      // Read (and drop) what the client sends, so its close is seen here.
      socket.resume();
      behave(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    servers.set(name, { server, port: address.port, sockets });
  }
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  for (const { server, sockets } of servers.values()) {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

function clientSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSSocketWrap').length;
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
  ])('%s → %s, within the deadline, nothing left open', async (name, mode, kinds) => {
    const { port, sockets } = servers.get(name) as { port: number; sockets: Set<Socket> };
    const before = clientSockets();
    const started = performance.now();
    const round = await probeEnsemble([{ host: '127.0.0.1', port, adminPort: port }], { timeoutMs: DEADLINE_MS, canary: {} });
    const elapsed = performance.now() - started;

    expect(elapsed).toBeLessThanOrEqual(DEADLINE_MS * 1.1);
    expect(round.servers[0]?.mode).toBe(mode);
    expect(kinds).toContain(round.servers[0]?.error?.kind);
    expect(round.canary?.ok).toBe(false);
    expect(round.canary?.error?.kind).toBeDefined();
    // Our sockets are destroyed when the round returns; the server notices a moment later.
    await new Promise((r) => setTimeout(r, 50));
    expect(clientSockets()).toBeLessThanOrEqual(before);
    expect(sockets.size).toBe(0);
    expect(unhandled).toEqual([]);
  });

  it('a flood is cut at the byte cap, not read to the end', async () => {
    const { port } = servers.get('flood') as { port: number };
    const round = await probeEnsemble([{ host: '127.0.0.1', port }], { timeoutMs: DEADLINE_MS, maxReplyBytes: 64 * 1024, words: ['mntr'] });
    expect(round.servers[0]?.error).toMatchObject({ kind: 'reply-too-large', message: 'mntr reply exceeded 65536 bytes' });
  });
});
