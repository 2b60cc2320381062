import { HostedSession } from '../../functions/adapters/zookeeper/zookeeper-host.ts';

/**
 * A connected session for tests that arrange znodes; the caller closes it. It goes through
 * the same client process as the canary: a test process that loaded the native addon itself
 * would hand its client's descriptors to that child (they are not close-on-exec).
 */
export async function connectedClient(connectString: string, timeoutMs = 10_000): Promise<HostedSession> {
  const session = new HostedSession(connectString, 4000);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      session.connected,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no ZooKeeper session to ${connectString} within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    await session.close();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return session;
}

/** Creates a path and its missing parents (persistent). */
export async function mkdirp(client: HostedSession, path: string, data = ''): Promise<void> {
  const parts = path.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const p = '/' + parts.slice(0, i).join('/');
    if (!(await client.pathExists(p))) await client.create(p, i === parts.length ? data : '', 'persistent');
  }
}
