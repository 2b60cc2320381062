/**
 * The zookeeper client process that zookeeper-host.ts spawns (it says why): it holds one
 * native client per session and answers the requests of zookeeper-host-protocol.ts. It
 * exits when its parent's channel closes. Nothing else in zk-lookout's runtime loads the addon.
 */
import ZooKeeper from 'zookeeper';
import type { AclGrant, CallName, CallRequest, ChildMessage, CreateMode, HostRequest, Permission, SessionCalls } from './zookeeper-host-protocol.ts';

const C = ZooKeeper.constants;
const FLAGS: Record<CreateMode, number> = { persistent: C.ZOO_PERSISTENT, ephemeral: C.ZOO_EPHEMERAL, 'ephemeral-sequential': C.ZOO_EPHEMERAL_SEQUENTIAL };
const PERMS: Record<Permission, number> = { read: C.ZOO_PERM_READ, write: C.ZOO_PERM_WRITE, create: C.ZOO_PERM_CREATE, delete: C.ZOO_PERM_DELETE, admin: C.ZOO_PERM_ADMIN, all: C.ZOO_PERM_ALL };

const sessions = new Map<number, ZooKeeper>();

function send(message: ChildMessage): void {
  if (!process.send || !process.connected) return;
  try {
    process.send(message);
  } catch (err) {
    // A value that cannot be cloned still gets its one reply, or the caller waits to its deadline.
    if (message.kind === 'reply') process.send({ kind: 'failed', id: message.id, error: `reply could not be sent: ${(err as Error).message}` });
  }
}

type Call<Op extends CallName> = (client: ZooKeeper, args: SessionCalls[Op]['args'], request: CallRequest<Op>) => Promise<SessionCalls[Op]['value']>;

const CALLS: { [Op in CallName]: Call<Op> } = {
  add_auth: (client, [credentials]) =>
    new Promise((resolve, reject) => client.add_auth('digest', credentials, (rc: number, err: unknown) => (rc === 0 ? resolve(null) : reject(new Error(`${rc} ${String(err)}`))))),
  create: (client, [path, data, mode]) => client.create(path, data, FLAGS[mode]),
  set_acl: async (client, [path, version, acl]) => {
    await client.set_acl(path, version, acl.map(nativeAcl));
    return null;
  },
  exists: (client, [path]) => client.exists(path, false),
  pathExists: (client, [path]) => client.pathExists(path, false),
  get: (client, [path]) => client.get(path, false) as Promise<SessionCalls['get']['value']>,
  w_get: (client, [path], { session, id }) => client.w_get(path, () => send({ kind: 'watch', session, watch: id })) as Promise<SessionCalls['w_get']['value']>,
  set: (client, [path, data, version]) => client.set(path, data, version),
  // delete_ resolves with the client itself, which is no data to send back.
  delete_: async (client, [path, version]) => {
    await client.delete_(path, version);
    return null;
  },
  get_children: (client, [path]) => client.get_children(path, false),
  get_acl: (client, [path]) => client.get_acl(path),
};

function nativeAcl(grant: AclGrant): { scheme: string; auth: string; perm: number } {
  return { scheme: grant.scheme, auth: grant.auth, perm: grant.perms.reduce((bits, p) => bits | PERMS[p], 0) };
}

function call<Op extends CallName>(client: ZooKeeper, request: CallRequest<Op>): Promise<SessionCalls[Op]['value']> {
  const run: Call<Op> = CALLS[request.op];
  return run(client, request.args, request);
}

function open({ session, connect, timeout }: Extract<HostRequest, { op: 'open' }>): void {
  const client = new ZooKeeper({ connect, timeout, debug_level: 0, host_order_deterministic: false });
  sessions.set(session, client);
  client.on('connect', () => send({ kind: 'connected', session }));
  client.on('close', (code: number) => send({ kind: 'session-closed', session, code }));
  client.init({});
}

/** The native close blocks until the server confirms (or 1.5 s pass): the reply means the session is over. */
function close({ session, id }: Extract<HostRequest, { op: 'close' }>): void {
  sessions.get(session)?.close();
  sessions.delete(session);
  send({ kind: 'reply', id, value: null });
}

async function answer(request: CallRequest): Promise<void> {
  try {
    const client = sessions.get(request.session);
    if (!client) throw new Error('no such session');
    send({ kind: 'reply', id: request.id, value: await call(client, request) });
  } catch (err) {
    send({ kind: 'failed', id: request.id, error: String((err as Error | undefined)?.message ?? err) });
  }
}

process.on('disconnect', () => process.exit(0));
process.on('message', (request: HostRequest) => {
  if (request.op === 'open') open(request);
  else if (request.op === 'close') close(request);
  else void answer(request);
});
