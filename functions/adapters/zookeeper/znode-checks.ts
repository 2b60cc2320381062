/**
 * Runs the znode rules in the canary's session: read-only, no watches (every read passes
 * `watch: false`), bounded by a read budget, a cap on recorded names, and the session's
 * deadline. Configuration data leaves this file as a digest (size, version, hash, per-key
 * hashes for JSON) unless the rule opts in to content.
 */
import { createHash } from 'node:crypto';
import { ruleId, type ZnodeRule } from '../../contract/znode-rules.ts';
import type { ZnodeCheckResult, ZnodeDataDigest } from '../../contract/probe-round.ts';
import { serverText } from '../../core/text/server-text.ts';
import { canaryErrorKind } from './zookeeper-errors.ts';
import type { HostedSession, ZnodeStat } from './zookeeper-host.ts';

export interface ZnodeCheckLimits {
  /** Reads (get, get_children, get_acl) for all rules together. @default 500 */
  maxReads?: number;
  /** Child names recorded per rule (the count is always exact). @default 20 */
  maxNamesRecorded?: number;
  /** Content bytes recorded for rules that opt in. @default 1024 */
  maxContentBytes?: number;
}

type Stat = ZnodeStat;

/** get_acl answers `perms`; set_acl takes `perm`. */
interface AclEntry {
  perms?: number;
  perm?: number;
  scheme: string;
  auth: string;
}

class BudgetExhausted extends Error {
  override name = 'BudgetExhausted';
}

const PERM = { read: 1, write: 2, create: 4, delete: 8, admin: 16 } as const;
const WRITE_LIKE = PERM.write | PERM.create | PERM.delete;

/** Reads against a budget and a deadline; each read is one round trip. */
class Reader {
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
  async stat(path: string): Promise<Stat | undefined> {
    try {
      return await this.read(() => this.client.exists(path));
    } catch (err) {
      if (canaryErrorKind(err) === 'no-node') return undefined;
      throw err;
    }
  }

  async data(path: string): Promise<[Stat, Buffer]> {
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

export async function runZnodeChecks(
  client: HostedSession,
  rules: readonly ZnodeRule[],
  deadline: number,
  limits: ZnodeCheckLimits = {},
): Promise<ZnodeCheckResult[]> {
  const reader = new Reader(client, limits.maxReads ?? 500, deadline);
  const results: ZnodeCheckResult[] = [];
  for (const rule of rules) {
    const base = { rule: ruleId(rule), check: rule.check, path: rule.path };
    const readsBefore = reader.reads;
    try {
      results.push({ ...base, ...(await checkRule(reader, rule, limits)), reads: reader.reads - readsBefore });
    } catch (err) {
      const kind = err instanceof BudgetExhausted ? 'budget-exhausted' : canaryErrorKind(err);
      results.push({ ...base, status: 'error', detail: `could not check: ${(err as Error).message}`, error: { kind, message: (err as Error).message }, reads: reader.reads - readsBefore });
    }
  }
  return results;
}

type Outcome = Omit<ZnodeCheckResult, 'rule' | 'check' | 'path' | 'reads'>;

async function checkRule(reader: Reader, rule: ZnodeRule, limits: ZnodeCheckLimits): Promise<Outcome> {
  const maxNames = limits.maxNamesRecorded ?? 20;
  switch (rule.check) {
    case 'exists':
    case 'absent': {
      const exists = (await reader.stat(rule.path)) !== undefined;
      const wanted = rule.check === 'exists';
      return { status: exists === wanted ? 'ok' : 'violated', exists, detail: exists ? 'exists' : 'does not exist' };
    }
    case 'children': {
      const stat = await reader.stat(rule.path);
      if (!stat) return { status: 'violated', exists: false, detail: 'does not exist' };
      const children = await reader.children(rule.path);
      const count = children.length;
      const low = rule.min !== undefined && count < rule.min;
      const high = rule.max !== undefined && count > rule.max;
      const bounds = [rule.min !== undefined ? `min ${rule.min}` : '', rule.max !== undefined ? `max ${rule.max}` : ''].filter(Boolean).join(', ');
      return {
        status: low || high ? 'violated' : 'ok',
        exists: true,
        childCount: count,
        children: [...children].sort().slice(0, maxNames),
        detail: `${count} children (${bounds})`,
      };
    }
    case 'election': {
      const stat = await reader.stat(rule.path);
      if (!stat) return { status: 'violated', exists: false, detail: 'election path does not exist' };
      const children = [...(await reader.children(rule.path))].sort(bySequence);
      const first = children[0];
      const holder = first === undefined ? undefined : await reader.stat(`${join(rule.path, first)}`);
      const outcome: Outcome = {
        status: children.length === 1 ? 'ok' : 'violated',
        exists: true,
        childCount: children.length,
        children: children.slice(0, maxNames),
        detail: children.length === 0 ? 'nobody holds it' : children.length === 1 ? `held by ${serverText(first ?? '')}` : `${children.length} contenders`,
      };
      if (first !== undefined && holder) {
        outcome.holder = { node: first, since: isoTime(holder.ctime), ...(isEphemeral(holder) ? { ephemeralOwner: holder.ephemeralOwner } : {}) };
      }
      return outcome;
    }
    case 'config': {
      const stat = await reader.stat(rule.path);
      if (!stat) return { status: 'violated', exists: false, detail: 'does not exist' };
      const [dataStat, data] = await reader.data(rule.path);
      return { status: 'ok', exists: true, data: digest(dataStat, data, rule.content ? (limits.maxContentBytes ?? 1024) : 0), detail: `version ${dataStat.version}` };
    }
    case 'data': {
      const stat = await reader.stat(rule.path);
      if (!stat) return { status: 'violated', exists: false, detail: 'does not exist' };
      const [dataStat, data] = await reader.data(rule.path);
      const verdict = matchData(data.toString('utf8'), rule);
      return { status: verdict.matched ? 'ok' : 'violated', exists: true, data: digest(dataStat, data, 0), detail: verdict.detail };
    }
    case 'ephemeral-owner': {
      const stat = await reader.stat(rule.path);
      if (!stat) return { status: 'violated', exists: false, detail: 'does not exist (no session registered it)' };
      return isEphemeral(stat)
        ? { status: 'ok', exists: true, ephemeralOwner: stat.ephemeralOwner, detail: `owned by session 0x${stat.ephemeralOwner}` }
        : { status: 'violated', exists: true, detail: 'exists but is not ephemeral (no owning session)' };
    }
    case 'open-acl':
      return findOpenAcls(reader, rule.path, rule.maxDepth, maxNames);
  }
}

/** Breadth-first from the root, down to maxDepth, until the read budget says stop. */
async function findOpenAcls(reader: Reader, root: string, maxDepth: number, maxNames: number): Promise<Outcome> {
  if (!(await reader.stat(root))) return { status: 'violated', exists: false, detail: 'root does not exist' };
  const open: { path: string; perms: string[] }[] = [];
  let openCount = 0;
  let checked = 0;
  let truncated = false;
  let level = [root];
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const path of level) {
      try {
        const acl = await reader.acl(path);
        checked++;
        const world = acl.find((a) => a.scheme === 'world' && a.auth === 'anyone' && (permsOf(a) & WRITE_LIKE) !== 0);
        if (world) {
          openCount++;
          if (open.length < maxNames) open.push({ path, perms: permNames(permsOf(world)) });
        }
        if (depth < maxDepth) next.push(...(await reader.children(path)).sort().map((c) => join(path, c)));
      } catch (err) {
        if (!(err instanceof BudgetExhausted)) throw err;
        truncated = true;
        break;
      }
    }
    if (truncated) break;
    level = next;
  }
  return {
    status: openCount > 0 ? 'violated' : 'ok',
    exists: true,
    openAcls: open,
    openCount,
    pathsChecked: checked,
    truncated,
    detail: `${openCount} world-writable of ${checked} checked${truncated ? ' (stopped at the read budget)' : ''}`,
  };
}

function digest(stat: Stat, data: Buffer, contentBytes: number): ZnodeDataDigest {
  const out: ZnodeDataDigest = {
    version: stat.version,
    mtime: isoTime(stat.mtime),
    mzxid: `0x${Math.trunc(stat.mzxid).toString(16)}`,
    size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
  };
  const keys = jsonKeyHashes(data);
  if (keys) out.keyHashes = keys;
  if (contentBytes > 0) out.content = data.subarray(0, contentBytes).toString('utf8');
  return out;
}

/** For a JSON object: a short hash per top-level key, to say which keys changed without saying what to. */
function jsonKeyHashes(data: Buffer): Record<string, string> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const hashes: Record<string, string> = {};
  for (const [key, v] of Object.entries(value).slice(0, 100)) {
    hashes[key] = createHash('sha256').update(JSON.stringify(v) ?? 'undefined').digest('hex').slice(0, 16);
  }
  return hashes;
}

function matchData(text: string, rule: Extract<ZnodeRule, { check: 'data' }>): { matched: boolean; detail: string } {
  if (rule.regex !== undefined && !new RegExp(rule.regex, 'u').test(text)) return { matched: false, detail: `data does not match /${rule.regex}/` };
  if (rule.jsonPath !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { matched: false, detail: `data is not JSON, so ${rule.jsonPath} cannot be read` };
    }
    const found = readJsonPath(value, rule.jsonPath);
    if (!found.present) return { matched: false, detail: `${rule.jsonPath} is missing` };
    if (rule.equals !== undefined && JSON.stringify(found.value) !== JSON.stringify(rule.equals)) {
      return { matched: false, detail: `${rule.jsonPath} differs from the expected value` };
    }
  }
  return { matched: true, detail: 'data as expected' };
}

function readJsonPath(value: unknown, path: string): { present: boolean; value?: unknown } {
  let current = value;
  for (const [, key, index] of path.slice(1).matchAll(/\.([^.[]+)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== 'object') return { present: false };
    const step = key ?? Number(index);
    if (!(step in (current as Record<string | number, unknown>))) return { present: false };
    current = (current as Record<string | number, unknown>)[step];
  }
  return { present: true, value: current };
}

const join = (parent: string, child: string) => (parent === '/' ? `/${child}` : `${parent}/${child}`);
const isEphemeral = (stat: Stat) => stat.ephemeralOwner !== '0' && !/^0+$/.test(stat.ephemeralOwner);
const isoTime = (t: Date | number) => new Date(t).toISOString();

/** Sequential nodes sort by their 10-digit suffix (Curator prefixes differ per contender). */
function bySequence(a: string, b: string): number {
  const seq = (s: string) => /(\d{10})$/.exec(s)?.[1] ?? s;
  return seq(a).localeCompare(seq(b));
}

const permsOf = (entry: AclEntry) => entry.perms ?? entry.perm ?? 0;

function permNames(perm: number): string[] {
  return Object.entries(PERM)
    .filter(([, bit]) => (perm & bit) !== 0)
    .map(([name]) => name);
}
