/**
 * The native `zookeeper` client runs in a child process of its own (zookeeper-host-child.ts),
 * and every session talks to it over IPC (zookeeper-host-protocol.ts). Why: the addon polls
 * descriptors that its C client closes and reopens, and in a shared event loop that can
 * leave another handle deaf (measured: a server socket in the same process stopped getting
 * events while a canary fought a misbehaving server; see docs/RELIABILITY.md). A worker
 * thread is not enough: two threads loading the addon crash the process. The child also
 * takes a hung native call or a crash with it, and it never keeps this process alive (its
 * handle and channel are unref'd). One child serves every session of this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { AclGrant, CallName, ChildMessage, CreateMode, HostRequest, SessionCalls, ZnodeData } from './zookeeper-host-protocol.ts';
import type { ZnodeStat } from './znode-stat.ts';

/** A request as a session sends it: the host numbers it. */
type Unnumbered<R> = R extends { id: number } ? Omit<R, 'id'> : never;
type ChildEvent = Extract<ChildMessage, { session: number }>;

/**
 * How to start the child: its program lies next to this module, as TypeScript in the
 * source tree, as JavaScript next to the bundle that holds this module (the CLI's
 * scripts/build-cli.mjs and the probe Lambda's infra/constructs/probe-function.ts put it
 * there; the Lambda bundle is CommonJS, so that `require('zookeeper')` in it resolves
 * through NODE_PATH, where the layer puts the addon).
 */
function childArguments(): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const program = fileURLToPath(new URL(`./zookeeper-host-child.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  if (!fromSource) return [program];
  // From source the child needs tsx. Its require hook starts the child in about half the
  // time of its module loader (`--import tsx`), but a file named on the command line would
  // be loaded as an ES module ("type": "module"): the hook requires it from `-e` instead.
  return ['--require', createRequire(import.meta.url).resolve('tsx/cjs'), '-e', `require(${JSON.stringify(program)})`];
}

interface Waiter {
  resolve(value: SessionCalls[CallName]['value']): void;
  reject(err: Error): void;
}

class ClientProcess {
  private readonly pending = new Map<number, Waiter>();
  readonly sessions = new Map<number, HostedSession>();
  private stderr = '';
  private nextId = 1;
  /** Why the process is gone, once it is (or is being stopped). */
  lost: Error | undefined;
  /** Resolves once the process has exited, or failed to start. */
  readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-2000);
    });
    child.on('message', (message: ChildMessage) => this.dispatch(message));
    this.exited = new Promise((resolve) => {
      child.on('error', (err: NodeJS.ErrnoException) => {
        this.fail(err.message, err.code);
        if (child.pid === undefined) resolve();
      });
      child.on('exit', (code, signal) => {
        this.fail(`exited with ${signal ?? `code ${code}`}`);
        resolve();
      });
    });
    child.unref();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  send(message: HostRequest): void {
    if (this.lost) return;
    this.child.send(message, (err) => {
      if (err) this.fail(`did not take a message: ${err.message}`);
    });
  }

  /** Sends one numbered request; the id also names a watch the call sets. */
  request(message: Unnumbered<Extract<HostRequest, { id: number }>>): { id: number; result: Promise<SessionCalls[CallName]['value']> } {
    const id = this.nextId++;
    if (this.lost) return { id, result: Promise.reject(this.lost) };
    const result = new Promise<SessionCalls[CallName]['value']>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ ...message, id } as Extract<HostRequest, { id: number }>);
    });
    return { id, result };
  }

  /** Kills the process, whatever it is doing (a native call may be what holds it). */
  stop(): Promise<void> {
    this.fail('was stopped');
    this.child.kill('SIGKILL');
    return this.exited;
  }

  private dispatch(message: ChildMessage): void {
    if ('session' in message) {
      this.sessions.get(message.session)?.hear(message);
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.kind === 'failed') waiter.reject(new Error(message.error));
    else waiter.resolve(message.value);
  }

  private fail(why: string, code?: string): void {
    if (this.lost) return;
    const detail = this.stderr.trim().split('\n').find((line) => /Error|Cannot/.test(line));
    // The code (EMFILE when the process could not be started) tells a checker fault from a client failure.
    this.lost = Object.assign(new Error(`the zookeeper client process ${why}${detail ? `: ${detail.trim()}` : ''}`), code ? { code } : {});
    for (const waiter of this.pending.values()) waiter.reject(this.lost);
    this.pending.clear();
    for (const session of this.sessions.values()) session.lost(this.lost);
    if (current === this) current = undefined;
  }
}

let current: ClientProcess | undefined;

function clientProcess(): ClientProcess {
  if (!current || current.lost) {
    const child = spawn(process.execPath, childArguments(), { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', env: process.env });
    current = new ClientProcess(child);
  }
  return current;
}

/**
 * Stops the client process at once and resolves once it has exited; its sessions are lost
 * (the server expires them after their timeout). The next session starts a new process.
 */
export function stopClientProcess(): Promise<void> {
  return current ? current.stop() : Promise.resolve();
}

let nextSession = 1;

/** One ZooKeeper session in the client process, with the calls the canary and the znode rules make. */
export class HostedSession {
  private readonly id = nextSession++;
  private readonly host = clientProcess();
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
    if (this.host.lost) this.lost(this.host.lost);
  }

  hear(event: ChildEvent): void {
    if (event.kind === 'connected') this.onConnect?.();
    else if (event.kind === 'session-closed') this.closedWith = event.code;
    else this.watchers.get(event.watch)?.();
  }

  lost(err: Error): void {
    this.onLost?.(err);
  }

  private call<Op extends CallName>(op: Op, ...args: SessionCalls[Op]['args']): Promise<SessionCalls[Op]['value']> {
    return this.host.request({ op, session: this.id, args } as Unnumbered<Extract<HostRequest, { id: number }>>).result as Promise<SessionCalls[Op]['value']>;
  }

  addDigest(credentials: string): Promise<void> {
    return this.call('add_auth', credentials).then(() => undefined);
  }

  /** Resolves with the path created (with its sequence number for a sequential mode). */
  create(path: string, data: string, mode: CreateMode): Promise<string> {
    return this.call('create', path, data, mode);
  }

  setAcl(path: string, version: number, acl: readonly AclGrant[]): Promise<void> {
    return this.call('set_acl', path, version, acl).then(() => undefined);
  }

  /** The stat; rejects with `-101 no node` when the znode does not exist. */
  exists(path: string): Promise<ZnodeStat> {
    return this.call('exists', path);
  }

  pathExists(path: string): Promise<boolean> {
    return this.call('pathExists', path);
  }

  async get(path: string): Promise<[ZnodeStat, Buffer]> {
    const [stat, data] = await this.call('get', path);
    return [stat, toBuffer(data)];
  }

  /** Reads with a data watch; `onChange` runs once, when the watch fires. */
  async watchData(path: string, onChange: () => void): Promise<void> {
    const { id, result } = this.host.request({ op: 'w_get', session: this.id, args: [path] });
    this.watchers.set(id, onChange);
    await result;
  }

  set(path: string, data: string, version: number): Promise<ZnodeStat> {
    return this.call('set', path, data, version);
  }

  delete(path: string, version: number): Promise<void> {
    return this.call('delete_', path, version).then(() => undefined);
  }

  children(path: string): Promise<string[]> {
    return this.call('get_children', path);
  }

  acl(path: string): Promise<unknown> {
    return this.call('get_acl', path);
  }

  /**
   * Closes the session. Resolves once the native client has closed it, which waits for the
   * server to confirm (so its ephemeral znodes are gone) for up to 1.5 s; or at once when
   * the client process is gone, which took the session with it. Never rejects.
   */
  async close(): Promise<void> {
    this.host.sessions.delete(this.id);
    this.watchers.clear();
    await this.host.request({ op: 'close', session: this.id }).result.catch(() => undefined);
  }
}

function toBuffer(data: ZnodeData): Buffer {
  if (data === null) return Buffer.alloc(0);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
