/**
 * Runs the znode rules in the canary's session: read-only, no watches, bounded by a read
 * budget, a cap on recorded names, and the session's deadline (znode-reader.ts).
 * Configuration data leaves as a digest (znode-digest.ts) unless the rule opts in to
 * content.
 */
import { ruleId, type ZnodeRule } from '../../contract/znode-rules.ts';
import type { ZnodeCheckResult } from '../../contract/probe-round.ts';
import { serverText } from '../../core/text/server-text.ts';
import { readJsonPath } from './json-path.ts';
import { findOpenAcls } from './open-acl-walk.ts';
import { canaryErrorKind } from './zookeeper-errors.ts';
import type { HostedSession } from './zookeeper-host.ts';
import { znodeDigest } from './znode-digest.ts';
import { BudgetExhausted, childPath, ZnodeReader } from './znode-reader.ts';
import { isEphemeral, statTime } from './znode-stat.ts';

export interface ZnodeCheckLimits {
  /** Reads (get, get_children, get_acl) for all rules together. @default 500 */
  maxReads?: number;
  /** Child names recorded per rule (the count is always exact). @default 20 */
  maxNamesRecorded?: number;
  /** Content bytes recorded for rules that opt in. @default 1024 */
  maxContentBytes?: number;
}

export async function runZnodeChecks(
  client: HostedSession,
  rules: readonly ZnodeRule[],
  deadline: number,
  limits: ZnodeCheckLimits = {},
): Promise<ZnodeCheckResult[]> {
  const reader = new ZnodeReader(client, limits.maxReads ?? 500, deadline);
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

async function checkRule(reader: ZnodeReader, rule: ZnodeRule, limits: ZnodeCheckLimits): Promise<Outcome> {
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
      const holder = first === undefined ? undefined : await reader.stat(childPath(rule.path, first));
      const outcome: Outcome = {
        status: children.length === 1 ? 'ok' : 'violated',
        exists: true,
        childCount: children.length,
        children: children.slice(0, maxNames),
        detail: children.length === 0 ? 'nobody holds it' : children.length === 1 ? `held by ${serverText(first ?? '')}` : `${children.length} contenders`,
      };
      if (first !== undefined && holder) {
        outcome.holder = { node: first, since: statTime(holder.ctime), ...(isEphemeral(holder) ? { ephemeralOwner: holder.ephemeralOwner } : {}) };
      }
      return outcome;
    }
    case 'config': {
      const stat = await reader.stat(rule.path);
      if (!stat) return { status: 'violated', exists: false, detail: 'does not exist' };
      const [dataStat, data] = await reader.data(rule.path);
      return { status: 'ok', exists: true, data: znodeDigest(dataStat, data, rule.content ? (limits.maxContentBytes ?? 1024) : 0), detail: `version ${dataStat.version}` };
    }
    case 'data': {
      const stat = await reader.stat(rule.path);
      if (!stat) return { status: 'violated', exists: false, detail: 'does not exist' };
      const [dataStat, data] = await reader.data(rule.path);
      const verdict = matchData(data.toString('utf8'), rule);
      return { status: verdict.matched ? 'ok' : 'violated', exists: true, data: znodeDigest(dataStat, data, 0), detail: verdict.detail };
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

/** Sequential nodes sort by their 10-digit suffix (Curator prefixes differ per contender). */
function bySequence(a: string, b: string): number {
  const seq = (s: string) => /(\d{10})$/.exec(s)?.[1] ?? s;
  return seq(a).localeCompare(seq(b));
}
