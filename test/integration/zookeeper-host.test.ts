/**
 * The zookeeper client process on the shared standalone server: a session's close resolves
 * once the server has closed it, stopping the process resolves once it has exited, and a
 * process that crashes or freezes is reported to its sessions and to the canary instead of
 * holding them.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runCanary } from '../../functions/adapters/zookeeper/canary-session.ts';
import { stopClientProcess } from '../../functions/adapters/zookeeper/zookeeper-host.ts';
import { expectNoHang } from '../support/hang-guard.ts';
import { connectedClient } from '../support/zk-client.ts';

const [server] = inject('standalone').servers;
const connectString = `${server!.host}:${server!.port}`;

afterAll(() => stopClientProcess());

/** The client processes this test process started (Linux: ppid from /proc/<pid>/stat). */
function clientProcesses(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('zookeeper-host-child') ? [Number(entry)] : [];
      } catch {
        return []; // gone while listed
      }
    });
}

/**
 * The server's `dump`: its sessions' ephemeral znodes. Asked here, not through the client
 * process, which would answer a later call only after the close anyway.
 */
function ephemerals(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(server!.port, server!.host, () => socket.end('dump'));
    socket.setTimeout(5000, () => socket.destroy(new Error('dump: no answer within 5 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

function onlyClientProcess(): number {
  const pids = clientProcesses();
  expect(pids).toHaveLength(1);
  return pids[0]!;
}

describe.sequential('the zookeeper client process', () => {
  it('close() resolves once the server has closed the session: its ephemeral znode is already gone', async () => {
    const owner = await connectedClient(connectString);
    const path = `/host-close-${randomUUID()}`;
    await owner.create(path, '', 'ephemeral');
    expect(await ephemerals()).toContain(path);
    await owner.close();
    expect(await ephemerals()).not.toContain(path);
  });

  it('stopClientProcess() resolves once the process has exited; its sessions are lost and the next session starts a new one', async () => {
    const session = await connectedClient(connectString);
    const pid = onlyClientProcess();
    await stopClientProcess();
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    await expect(session.exists('/')).rejects.toThrow(/^the zookeeper client process was stopped/);
    await session.close();

    const next = await connectedClient(connectString);
    try {
      expect(onlyClientProcess()).not.toBe(pid);
      expect(await next.pathExists('/')).toBe(true);
    } finally {
      await next.close();
    }
  });

  it('a crashed process is reported to its sessions, whose close() still resolves', async () => {
    const session = await connectedClient(connectString);
    const pid = onlyClientProcess();
    process.kill(pid, 'SIGKILL');
    await expect(session.exists('/')).rejects.toThrow(/^the zookeeper client process /);
    await session.close();

    const next = await connectedClient(connectString);
    try {
      expect(onlyClientProcess()).not.toBe(pid);
    } finally {
      await next.close();
    }
  });

  it('a frozen process: the canary reports a connect timeout within its deadline instead of waiting for it', async () => {
    const warm = await connectedClient(connectString);
    await warm.close();
    const pid = onlyClientProcess();
    process.kill(pid, 'SIGSTOP');
    try {
      const started = performance.now();
      const { canary } = await runCanary({ connectString, timeoutMs: 1000, name: `frozen-${randomUUID()}` });
      expectNoHang(performance.now() - started, 1000);
      expect(canary).toMatchObject({ ok: false, error: { kind: 'connect-timeout', step: 'connect' } });
    } finally {
      // SIGKILL ends a stopped process too.
      await stopClientProcess();
    }
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });
});
