/**
 * The native `zookeeper` client runs in a child process of its own, and every canary
 * session talks to it over IPC. Why: the addon polls descriptors that its C client closes
 * and reopens, and in a shared event loop that can leave another handle deaf (measured: a
 * server socket in the same process stopped getting events while a canary fought a
 * misbehaving server; see docs/RELIABILITY.md). A worker thread is not enough: two threads
 * loading the addon crash the process. The child also takes a hung native call or a crash
 * with it, and it never keeps this process alive (its handle and channel are unref'd).
 *
 * The child is plain JavaScript run with `node -e`, so it needs no loader or bundle of its
 * own; `require('zookeeper')` resolves from the working directory or NODE_PATH (Lambda's
 * /opt/nodejs/node_modules, where the layer puts it).
 */
import { spawn, type ChildProcess } from 'node:child_process';

const HOST_SOURCE = String.raw`
const ZooKeeper = require('zookeeper');
const C = ZooKeeper.constants;
const FLAGS = { persistent: C.ZOO_PERSISTENT, ephemeral: C.ZOO_EPHEMERAL, 'ephemeral-sequential': C.ZOO_EPHEMERAL_SEQUENTIAL };
const PERMS = { read: C.ZOO_PERM_READ, write: C.ZOO_PERM_WRITE, create: C.ZOO_PERM_CREATE, delete: C.ZOO_PERM_DELETE, admin: C.ZOO_PERM_ADMIN, all: C.ZOO_PERM_ALL };
const CALLS = new Set(['exists', 'pathExists', 'get', 'set', 'delete_', 'get_children', 'get_acl']);
const sessions = new Map();
const send = (message) => {
  if (!process.connected) return;
  try {
    process.send(message);
  } catch (err) {
    process.send({ id: message.id, error: 'reply could not be sent: ' + err.message });
  }
};
// Some calls resolve with the client itself (delete_): only data crosses the channel.
const plain = (value) => (value === null || typeof value !== 'object' || value instanceof Date || ArrayBuffer.isView(value) ? value : Array.isArray(value) ? value.map(plain) : value instanceof ZooKeeper ? null : Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v !== 'function').map(([k, v]) => [k, plain(v)])));
process.on('disconnect', () => process.exit(0));
process.on('message', async (m) => {
  if (m.op === 'open') {
    const client = new ZooKeeper({ connect: m.connect, timeout: m.timeout, debug_level: 0, host_order_deterministic: false });
    sessions.set(m.session, client);
    client.on('connect', () => send({ session: m.session, event: 'connect' }));
    client.on('close', (code) => send({ session: m.session, event: 'close', code }));
    client.init({});
    return;
  }
  const client = sessions.get(m.session);
  if (m.op === 'close') {
    if (client) client.close();
    sessions.delete(m.session);
    return;
  }
  try {
    if (!client) throw new Error('no such session');
    let value;
    if (m.op === 'add_auth') {
      value = await new Promise((resolve, reject) => client.add_auth('digest', m.args[0], (rc, err) => (rc === 0 ? resolve(null) : reject(new Error(rc + ' ' + err)))));
    } else if (m.op === 'create') {
      value = await client.create(m.args[0], m.args[1], FLAGS[m.args[2]]);
    } else if (m.op === 'w_get') {
      value = await client.w_get(m.args[0], (type, state, path) => send({ session: m.session, event: 'watch', watch: m.id, type, path }));
    } else if (m.op === 'set_acl') {
      const acl = m.args[2].map((e) => ({ scheme: e.scheme, auth: e.auth, perm: e.perms.reduce((bits, p) => bits | PERMS[p], 0) }));
      value = await client.set_acl(m.args[0], m.args[1], acl);
    } else if (CALLS.has(m.op)) {
      value = await client[m.op](...m.args);
    } else {
      throw new Error('unknown operation ' + m.op);
    }
    send({ id: m.id, value: plain(value) });
  } catch (err) {
    send({ id: m.id, error: String((err && err.message) || err) });
  }
});
`;

export interface ZnodeStat {
  mzxid: number;
  mtime: Date | number;
  ctime: Date | number;
  version: number;
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export type CreateMode = 'persistent' | 'ephemeral' | 'ephemeral-sequential';
export type Permission = 'read' | 'write' | 'create' | 'delete' | 'admin' | 'all';
export interface AclGrant {
  scheme: string;
  auth: string;
  perms: Permission[];
}

type Reply = { id: number; value?: unknown; error?: string };
type SessionEvent = { session: number; event: 'connect' | 'close' | 'watch'; code?: number; watch?: number };

class Host {
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly sessions = new Map<number, HostedSession>();
  private stderr = '';
  private nextId = 1;
  exited: Error | undefined;

  constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-2000);
    });
    child.on('message', (message: Reply | SessionEvent) => this.dispatch(message));
    child.on('error', (err: NodeJS.ErrnoException) => this.fail(err.message, err.code));
    child.on('exit', (code, signal) => this.fail(`exited with ${signal ?? `code ${code}`}`));
    child.unref();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  send(message: Record<string, unknown>): void {
    if (this.exited) return;
    this.child.send(message, (err) => {
      if (err) this.fail(`did not take a message: ${err.message}`);
    });
  }

  /** Sends one call; `id` also names a watch the call sets. */
  request(session: number, op: string, args: unknown[]): { id: number; result: Promise<unknown> } {
    const id = this.nextId++;
    if (this.exited) return { id, result: Promise.reject(this.exited) };
    const result = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ session, op, args, id });
    });
    return { id, result };
  }

  private dispatch(message: Reply | SessionEvent): void {
    if ('event' in message) {
      this.sessions.get(message.session)?.hear(message);
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.error !== undefined) waiter.reject(new Error(message.error));
    else waiter.resolve(message.value);
  }

  private fail(why: string, code?: string): void {
    if (this.exited) return;
    const detail = this.stderr.trim().split('\n').find((line) => /Error|Cannot/.test(line));
    // The code (EMFILE when the process could not be started) tells a checker fault from a client failure.
    this.exited = Object.assign(new Error(`the zookeeper client process ${why}${detail ? `: ${detail.trim()}` : ''}`), code ? { code } : {});
    for (const waiter of this.pending.values()) waiter.reject(this.exited);
    this.pending.clear();
    for (const session of this.sessions.values()) session.lost(this.exited);
    if (host === this) host = undefined;
  }
}

let host: Host | undefined;

function currentHost(): Host {
  if (!host || host.exited) {
    const child = spawn(process.execPath, ['-e', HOST_SOURCE], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', env: process.env });
    host = new Host(child);
  }
  return host;
}

let nextSession = 1;

/** One ZooKeeper session in the client process, with the calls the canary and the znode rules make. */
export class HostedSession {
  private readonly id = nextSession++;
  private readonly host = currentHost();
  private readonly watchers = new Map<number, () => void>();
  private onConnect: (() => void) | undefined;
  private onLost: ((err: Error) => void) | undefined;
  /** The native client's close code (e.g. auth failed), once it closed by itself. */
  closedWith: number | undefined;

  /** Connects; resolves on the session's `connect` event (the client never reports an unreachable ensemble). */
  readonly connected: Promise<void>;

  constructor(connect: string, sessionTimeoutMs: number) {
    this.connected = new Promise<void>((resolve, reject) => {
      this.onConnect = resolve;
      this.onLost = reject;
    });
    this.connected.catch(() => undefined);
    this.host.sessions.set(this.id, this);
    this.host.send({ op: 'open', session: this.id, connect, timeout: sessionTimeoutMs });
    if (this.host.exited) this.lost(this.host.exited);
  }

  hear(event: SessionEvent): void {
    if (event.event === 'connect') this.onConnect?.();
    else if (event.event === 'close') this.closedWith = event.code;
    else if (event.watch !== undefined) this.watchers.get(event.watch)?.();
  }

  lost(err: Error): void {
    this.onLost?.(err);
  }

  private call<T>(op: string, ...args: unknown[]): Promise<T> {
    return this.host.request(this.id, op, args).result as Promise<T>;
  }

  addDigest(credentials: string): Promise<void> {
    return this.call('add_auth', credentials);
  }

  /** Resolves with the path created (with its sequence number for a sequential mode). */
  create(path: string, data: string, mode: CreateMode): Promise<string> {
    return this.call('create', path, data, mode);
  }

  setAcl(path: string, version: number, acl: readonly AclGrant[]): Promise<void> {
    return this.call('set_acl', path, version, acl);
  }

  /** The stat; rejects with `-101 no node` when the znode does not exist. */
  exists(path: string): Promise<ZnodeStat> {
    return this.call('exists', path, false);
  }

  pathExists(path: string): Promise<boolean> {
    return this.call('pathExists', path, false);
  }

  async get(path: string): Promise<[ZnodeStat, Buffer]> {
    const [stat, data] = await this.call<[ZnodeStat, Uint8Array | string | null]>('get', path, false);
    return [stat, toBuffer(data)];
  }

  /** Reads with a data watch; `onChange` runs once, when the watch fires. */
  watchData(path: string, onChange: () => void): Promise<unknown> {
    const { id, result } = this.host.request(this.id, 'w_get', [path]);
    this.watchers.set(id, onChange);
    return result;
  }

  set(path: string, data: string, version: number): Promise<ZnodeStat> {
    return this.call('set', path, data, version);
  }

  delete(path: string, version: number): Promise<void> {
    return this.call('delete_', path, version);
  }

  children(path: string): Promise<string[]> {
    return this.call('get_children', path, false);
  }

  acl(path: string): Promise<unknown> {
    return this.call('get_acl', path);
  }

  close(): void {
    this.host.send({ op: 'close', session: this.id });
    this.host.sessions.delete(this.id);
    this.watchers.clear();
  }
}

function toBuffer(data: Uint8Array | string | null): Buffer {
  if (data === null) return Buffer.alloc(0);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
