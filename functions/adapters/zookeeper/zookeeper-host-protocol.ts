/**
 * The messages between this process (zookeeper-host.ts) and the zookeeper client process
 * (zookeeper-host-child.ts), over Node's IPC channel with `serialization: 'advanced'`
 * (structured clone: Buffers and Dates cross as they are). A request names its session
 * and carries an id that its one reply repeats; a watch that a call sets is named by that
 * call's id. Everything else the child says is an event of a session.
 */
import type { ZnodeStat } from './znode-stat.ts';

export type CreateMode = 'persistent' | 'ephemeral' | 'ephemeral-sequential';
export type Permission = 'read' | 'write' | 'create' | 'delete' | 'admin' | 'all';
export interface AclGrant {
  scheme: string;
  auth: string;
  perms: Permission[];
}

/** Data as the native client hands it back: bytes, a string, or null for none. */
export type ZnodeData = Uint8Array | string | null;

/**
 * The calls a session takes, their arguments and the value their reply carries. Only
 * `w_get` sets a watch: the child makes every other read with `watch: false`.
 */
export interface SessionCalls {
  add_auth: { args: [credentials: string]; value: null };
  create: { args: [path: string, data: string, mode: CreateMode]; value: string };
  set_acl: { args: [path: string, version: number, acl: readonly AclGrant[]]; value: null };
  exists: { args: [path: string]; value: ZnodeStat };
  pathExists: { args: [path: string]; value: boolean };
  get: { args: [path: string]; value: [ZnodeStat, ZnodeData] };
  w_get: { args: [path: string]; value: [ZnodeStat, ZnodeData] };
  set: { args: [path: string, data: string, version: number]; value: ZnodeStat };
  delete_: { args: [path: string, version: number]; value: null };
  get_children: { args: [path: string]; value: string[] };
  /** `[acl, stat]`, or the list alone from older builds of the client. */
  get_acl: { args: [path: string]; value: unknown };
}

export type CallName = keyof SessionCalls;

export type CallRequest<K extends CallName = CallName> = { [Op in K]: { op: Op; session: number; id: number; args: SessionCalls[Op]['args'] } }[K];

/** This process to the client process. `close` is answered once the native client has closed. */
export type HostRequest = { op: 'open'; session: number; connect: string; timeout: number } | { op: 'close'; session: number; id: number } | CallRequest;

/** The client process to this one. */
export type ChildMessage =
  | { kind: 'reply'; id: number; value: SessionCalls[CallName]['value'] }
  | { kind: 'failed'; id: number; error: string }
  | { kind: 'connected'; session: number }
  /** The native client closed the session, by itself (auth failed, expired: `code` says) or when asked. */
  | { kind: 'session-closed'; session: number; code: number }
  | { kind: 'watch'; session: number; watch: number };
