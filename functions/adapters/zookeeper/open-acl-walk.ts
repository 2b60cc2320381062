/**
 * The `open-acl` rule's walk: which znodes under a root anyone may change (world:anyone
 * with write, create or delete), breadth-first down to a depth, until the read budget
 * says stop.
 */
import type { ZnodeCheckResult } from '../../contract/probe-round.ts';
import { type AclEntry, BudgetExhausted, childPath, type ZnodeReader } from './znode-reader.ts';

const PERM = { read: 1, write: 2, create: 4, delete: 8, admin: 16 } as const;
const WRITE_LIKE = PERM.write | PERM.create | PERM.delete;

export type OpenAclOutcome = Pick<ZnodeCheckResult, 'status' | 'exists' | 'detail' | 'openAcls' | 'openCount' | 'pathsChecked' | 'truncated'>;

export async function findOpenAcls(reader: ZnodeReader, root: string, maxDepth: number, maxNames: number): Promise<OpenAclOutcome> {
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
        if (depth < maxDepth) next.push(...(await reader.children(path)).sort().map((c) => childPath(path, c)));
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

const permsOf = (entry: AclEntry) => entry.perms ?? entry.perm ?? 0;

function permNames(perm: number): string[] {
  return Object.entries(PERM)
    .filter(([, bit]) => (perm & bit) !== 0)
    .map(([name]) => name);
}
