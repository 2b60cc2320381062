/**
 * The znode rules' only way to the server: read-only calls (no watches), each one round
 * trip, counted against a read budget and raced against the rules' deadline.
 */
import { canaryErrorKind } from './zookeeper-errors.ts';
import type { HostedSession } from './zookeeper-host.ts';
import type { ZnodeStat } from './znode-stat.ts';

/** The read budget or the deadline is used up: what was read so far still counts. */
export class BudgetExhausted extends Error {
  override name = 'BudgetExhausted';
}

/** get_acl answers `perms`; set_acl takes `perm`. */
export interface AclEntry {
  perms?: number;
  perm?: number;
  scheme: string;
  auth: string;
}

export class ZnodeReader {
  reads = 0;
  constructor(
    private readonly client: HostedSession,
    private readonly maxReads: number,
    private readonly deadline: number,
  ) {}

  private async read<T>(work: () => Promise<T>): Promise<T> {
    if (this.reads >= this.maxReads) throw new BudgetExhausted(`read budget of ${this.maxReads} used up`);
    const remaining = this.deadline - performance.now();
    if (remaining <= 0) throw new BudgetExhausted('znode check deadline passed');
    this.reads++;
    let timer: NodeJS.Timeout | undefined;
    const attempt = work();
    attempt.catch(() => undefined);
    try {
      return await Promise.race([
        attempt,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new BudgetExhausted('znode check deadline passed')), remaining);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The stat, or undefined when the znode does not exist. */
  async stat(path: string): Promise<ZnodeStat | undefined> {
    try {
      return await this.read(() => this.client.exists(path));
    } catch (err) {
      if (canaryErrorKind(err) === 'no-node') return undefined;
      throw err;
    }
  }

  async data(path: string): Promise<[ZnodeStat, Buffer]> {
    return this.read(() => this.client.get(path));
  }

  async children(path: string): Promise<string[]> {
    return this.read(() => this.client.children(path));
  }

  async acl(path: string): Promise<AclEntry[]> {
    const reply = await this.read(() => this.client.acl(path));
    // The client answers [acl, stat]; older builds answer the list alone.
    const list = Array.isArray(reply) && Array.isArray(reply[0]) ? reply[0] : reply;
    return list as AclEntry[];
  }
}

export const childPath = (parent: string, child: string): string => (parent === '/' ? `/${child}` : `${parent}/${child}`);
