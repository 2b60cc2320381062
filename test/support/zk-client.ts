import ZooKeeper from 'zookeeper';

/** A connected client for tests that arrange znodes; the caller closes it. */
export async function connectedClient(connectString: string, timeoutMs = 10_000): Promise<ZooKeeper> {
  const client = new ZooKeeper({ connect: connectString, timeout: 4000, debug_level: 0 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new Error(`no ZooKeeper session to ${connectString} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    client.init({});
  });
  return client;
}

/** Creates a path and its missing parents (persistent). */
export async function mkdirp(client: ZooKeeper, path: string, data = ''): Promise<void> {
  const parts = path.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const p = '/' + parts.slice(0, i).join('/');
    if (!(await client.pathExists(p, false))) await client.create(p, i === parts.length ? data : '', ZooKeeper.constants.ZOO_PERSISTENT);
  }
}
