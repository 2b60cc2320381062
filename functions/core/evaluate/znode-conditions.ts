/**
 * What the znode rules of a round mean for alerts. Broken registrations, elections and
 * expectations are alarms and open ACLs warnings, both through the ordinary lifecycle; a
 * configuration change is a one-off info notice, found by comparing the data's digest
 * with the one remembered from the previous round. A rule that could not be checked
 * this round holds its alert where it is: not knowing is not recovering.
 */
import type { ZnodeDigest } from '../../contract/ensemble-state.ts';
import type { ZnodeCheckResult, ZnodeDataDigest } from '../../contract/probe-round.ts';
import type { AlertCondition } from './alert-lifecycle.ts';

/** What is remembered of a configuration znode between rounds: enough to see a change, no content. */

/** A configuration change, for the lifecycle's `announce`: the change and when it was made. */
export interface ZnodeNotice {
  condition: AlertCondition;
  since: string;
}

export interface ZnodeFindings {
  conditions: AlertCondition[];
  notices: ZnodeNotice[];
  digests: Record<string, ZnodeDigest>;
}

export function znodeFindings(results: readonly ZnodeCheckResult[], previous: Readonly<Record<string, ZnodeDigest>>): ZnodeFindings {
  const conditions: AlertCondition[] = [];
  const notices: ZnodeNotice[] = [];
  const digests: Record<string, ZnodeDigest> = {};
  for (const r of results) {
    if (r.check === 'config') {
      const before = previous[r.rule];
      if (r.data) {
        digests[r.rule] = { version: r.data.version, sha256: r.data.sha256, mtime: r.data.mtime, ...(r.data.keyHashes ? { keyHashes: r.data.keyHashes } : {}) };
        if (before && before.sha256 !== r.data.sha256) notices.push(changeNotice(r, before, r.data));
      } else if (before) {
        digests[r.rule] = before;
      }
      continue;
    }
    const openAcl = r.check === 'open-acl';
    // An unnamed open-acl rule's id already says open-acl: key it by its path alone.
    const id = openAcl && r.rule === `open-acl:${r.path}` ? r.path : r.rule;
    conditions.push({
      alertKey: `${openAcl ? 'open-acl' : 'znode-rule'}:${id}`,
      alertName: openAcl ? 'open-acl' : 'znode-rule',
      level: openAcl ? 'warning' : 'alarm',
      state: r.status === 'violated' ? 'raise' : r.status === 'ok' ? 'clear' : 'hold',
      summary: describeResult(r),
      forRounds: 1,
      signals: [],
    });
  }
  return { conditions, notices, digests };
}

function describeResult(r: ZnodeCheckResult): string {
  const what = `${r.rule === `${r.check}:${r.path}` ? r.path : `${r.rule} (${r.path})`}`;
  if (r.status === 'ok') return `${what}: holds again (${r.detail})`;
  if (r.check === 'election' && r.holder) {
    return `${what}: ${r.detail}; held by ${r.holder.node} since ${r.holder.since}${r.holder.ephemeralOwner ? ` (session 0x${r.holder.ephemeralOwner})` : ''}`;
  }
  if (r.check === 'open-acl' && r.openAcls) {
    const shown = r.openAcls.slice(0, 5).map((a) => `${a.path} (${a.perms.join('/')})`).join(', ');
    return `${what}: ${r.detail}: ${shown}${(r.openCount ?? 0) > 5 ? ', …' : ''}`;
  }
  return `${what}: ${r.detail}`;
}

function changeNotice(r: ZnodeCheckResult, before: ZnodeDigest, after: ZnodeDataDigest): ZnodeNotice {
  const keys = changedKeys(before.keyHashes, after.keyHashes);
  const summary =
    `configuration ${r.path} changed: version ${before.version} → ${after.version} at ${after.mtime}` +
    ` by transaction ${after.mzxid}` +
    (keys === undefined ? `, ${after.size} bytes (not JSON: contents not compared by key)` : keys.length > 0 ? `, keys changed: ${keys.join(', ')}` : ', same keys and values (formatting only)');
  return {
    condition: { alertKey: `config-change:${r.rule}`, alertName: 'config-change', level: 'info', state: 'raise', summary, forRounds: 1, signals: [] },
    since: after.mtime,
  };
}

/** Keys added, removed or changed; undefined when either side is not a JSON object. */
function changedKeys(before: Record<string, string> | undefined, after: Record<string, string> | undefined): string[] | undefined {
  if (!before || !after) return undefined;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}
