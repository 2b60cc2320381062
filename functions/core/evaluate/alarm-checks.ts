/**
 * Alarms (报警): failures that are happening now and fire at once. Each check yields a
 * condition for every alert it owns, raised or clear, so the lifecycle can also resolve.
 */
import { isServing, type ProbeRound, type ServerResult } from '../probe/probe-round.ts';
import type { AlertCondition } from './alert-lifecycle.ts';
import type { EnsembleState } from './ensemble-state.ts';
import type { AlertName } from './transition.ts';

/** Every alert name the per-round alarm checks decide (probe-stale comes from the sweep). */
export const ROUND_ALARMS: readonly AlertName[] = [
  'server-down',
  'server-not-serving',
  'read-only',
  'no-leader',
  'two-leaders',
  'quorum-lost',
  'canary-failed',
];

export interface AlarmChecks {
  conditions: AlertCondition[];
  /** Consecutive rounds with two or more leaders, to remember in the state. */
  multiLeaderRounds: number;
}

export function checkAlarms(round: ProbeRound, previous: Pick<EnsembleState, 'multiLeaderRounds'>): AlarmChecks {
  const e = round.ensemble;
  const conditions: AlertCondition[] = round.servers.flatMap(serverAlarms);

  conditions.push(
    alarm(
      'no-leader',
      e.size > 1 && e.leaderCount === 0,
      `no leader: none of ${e.size} servers leads`,
      `leader back: ${e.leaders.join(', ')}`,
    ),
  );

  // An old leader resumed from a pause claims leadership for ~200 ms next to the new one:
  // one round of two leaders is recorded, two in a row are split brain.
  const multiLeaderRounds = e.leaderCount >= 2 ? previous.multiLeaderRounds + 1 : 0;
  conditions.push(
    alarm(
      'two-leaders',
      multiLeaderRounds >= 2,
      `${e.leaderCount} leaders for ${multiLeaderRounds} rounds: ${e.leaders.join(', ')}`,
      `one leader again: ${e.leaders.join(', ') || 'none'}`,
    ),
  );

  conditions.push(
    alarm(
      'quorum-lost',
      !e.hasQuorum,
      `quorum lost: ${e.serving} of ${e.size} servers serving (needs ${e.quorumSize}${e.leaderCount === 0 && e.size > 1 ? ' and a leader' : ''})`,
      `quorum restored: ${e.serving} of ${e.size} servers serving`,
    ),
  );

  const canary = round.canary;
  const failure = canary?.error;
  conditions.push(
    alarm(
      'canary-failed',
      canary !== null && !canary.ok,
      failure ? `canary failed at ${failure.step}: ${failure.kind}: ${failure.message}` : 'canary failed',
      canary ? `canary ok in ${canary.totalMs} ms` : 'canary not run',
    ),
  );
  return { conditions, multiLeaderRounds };
}

function serverAlarms(s: ServerResult): AlertCondition[] {
  const why = s.error ? `${s.error.kind}: ${s.error.message}` : s.mode;
  const back = `server ${s.address} is back (${s.mode})`;
  return [
    alarm('server-down', s.mode === 'unreachable' || s.mode === 'timeout', `server ${s.address} down: ${why}`, back, s.address),
    alarm(
      'server-not-serving',
      s.mode === 'not-serving',
      `server ${s.address} not serving requests${s.alive ? ' (alive: ruok answers imok)' : ''}`,
      isServing(s.mode) ? `server ${s.address} serving again (${s.mode})` : `server ${s.address} no longer reports not serving (${s.mode})`,
      s.address,
    ),
    alarm('read-only', s.mode === 'read-only', `server ${s.address} is read-only (cut off from the quorum)`, back, s.address),
  ];
}

export function alarm(alertName: AlertName, raised: boolean, raisedSummary: string, clearSummary: string, server?: string): AlertCondition {
  const condition: AlertCondition = {
    alertKey: server ? `${alertName}:${server}` : alertName,
    alertName,
    level: 'alarm',
    state: raised ? 'raise' : 'clear',
    summary: raised ? raisedSummary : clearSummary,
    forRounds: 1,
    signals: [],
  };
  if (server) condition.server = server;
  return condition;
}
