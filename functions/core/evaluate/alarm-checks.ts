/**
 * Alarms (报警): failures that are happening now and fire at once. Each check yields a
 * condition for every alert it owns, raised or clear, so the lifecycle can also resolve.
 */
import { isServing, type ProbeRound, type RefusedExchange, type ServerResult } from '../../contract/probe-round.ts';
import { canChange, type AlertCondition, type ConditionState, type StoredKeys } from './alert-lifecycle.ts';
import type { EnsembleState } from '../../contract/ensemble-state.ts';
import type { AlertName } from '../../contract/transition.ts';
import { serverAlertKey } from './server-alert-key.ts';

/** Every alert name the per-round alarm checks decide (probe-stale comes from the sweep). */
export const ROUND_ALARMS: readonly AlertName[] = [
  'server-down',
  'server-not-serving',
  'read-only',
  'no-leader',
  'two-leaders',
  'quorum-lost',
  'canary-failed',
  'clients-turned-away',
  'checker-fault',
];

export interface AlarmChecks {
  conditions: AlertCondition[];
  /** Consecutive rounds with two or more leaders, to remember in the state. */
  multiLeaderRounds: number;
}

/**
 * Given the stored alerts' keys (`stored`), the conditions that could change none of them
 * are left out before their summaries are written (canChange).
 */
export function checkAlarms(round: ProbeRound, previous: Pick<EnsembleState, 'multiLeaderRounds'>, stored?: StoredKeys): AlarmChecks {
  const e = round.ensemble;
  const conditions: AlertCondition[] = [];
  for (const s of round.servers) serverAlarms(s, round.servers.some((other) => other !== s && isServing(other.mode)), stored, conditions);
  // Servers the checker could not ask (its own EMFILE, ENOBUFS…) are unknown, not down: an
  // ensemble-level alarm is raised only when the servers that were asked prove it, cleared
  // only when they disprove it, and otherwise held as it was.
  const unprobed = round.servers.filter((s) => s.mode === 'unprobed');
  const votingServing = round.servers.filter((s) => s.mode === 'leader' || s.mode === 'follower').length;

  const noLeader = e.size > 1 && e.leaderCount === 0;
  const noLeaderState = unknown(unprobed.length, noLeader, false);
  if (canChange(stored, 'no-leader', noLeaderState)) {
    conditions.push(alarm('no-leader', noLeaderState, noLeader ? `no leader: none of ${e.size} servers leads` : `leader back: ${e.leaders.join(', ')}`));
  }

  // An old leader resumed from a pause claims leadership for ~200 ms next to the new one:
  // one round of two leaders is recorded, two in a row are split brain.
  const multiLeaderRounds = e.leaderCount >= 2 ? previous.multiLeaderRounds + 1 : 0;
  const splitBrain = multiLeaderRounds >= 2;
  if (canChange(stored, 'two-leaders', raiseIf(splitBrain))) {
    conditions.push(
      alarm('two-leaders', splitBrain, splitBrain ? `${e.leaderCount} leaders for ${multiLeaderRounds} rounds: ${e.leaders.join(', ')}` : `one leader again: ${e.leaders.join(', ') || 'none'}`),
    );
  }

  const quorumLost = !e.hasQuorum;
  // Even if every unprobed server were serving, there would be too few.
  const quorumState = unknown(unprobed.length, quorumLost, votingServing + unprobed.length < e.quorumSize);
  if (canChange(stored, 'quorum-lost', quorumState)) {
    conditions.push(
      alarm(
        'quorum-lost',
        quorumState,
        quorumLost
          ? `quorum lost: ${e.serving} of ${e.size} servers serving (needs ${e.quorumSize}${e.leaderCount === 0 && e.size > 1 ? ' and a leader' : ''})`
          : `quorum restored: ${e.serving} of ${e.size} servers serving`,
      ),
    );
  }

  const canary = round.canary;
  const failure = canary?.error;
  const canaryFault = failure?.kind === 'checker-fault';
  if (canChange(stored, 'checker-fault', raiseIf(unprobed.length > 0 || canaryFault))) {
    const faults = [...unprobed.map((s) => `${s.address}: ${s.error?.message ?? 'not probed'}`), ...(canaryFault ? [`canary: ${failure.message}`] : [])];
    const checkerFault = alarm(
      'checker-fault',
      faults.length > 0,
      faults.length > 0
        ? `zk-lookout itself failed this round, so ${faults.length} check(s) have no answer (not a fault of the ensemble): ${faults.join('; ')}`
        : 'zk-lookout probes every server again',
    );
    checkerFault.level = 'info';
    conditions.push(checkerFault);
  }

  const canaryFailed = canary !== null && !canary.ok;
  const canaryState = canaryFault ? 'hold' : raiseIf(canaryFailed);
  if (canChange(stored, 'canary-failed', canaryState)) {
    conditions.push(
      alarm(
        'canary-failed',
        canaryState,
        canaryFailed ? (failure ? `canary failed at ${failure.step}: ${failure.kind}: ${failure.message}` : 'canary failed') : canary ? `canary ok in ${canary.totalMs} ms` : 'canary not run',
      ),
    );
  }
  return { conditions, multiLeaderRounds };
}

function raiseIf(raised: boolean): ConditionState {
  return raised ? 'raise' : 'clear';
}

/** An ensemble-level alarm while some servers are unprobed: raised only when the probed ones prove it, else held. */
function unknown(unprobed: number, raised: boolean, proven: boolean): ConditionState {
  return !raised ? 'clear' : unprobed === 0 || proven ? 'raise' : 'hold';
}

/** The per-server alarms that can change something, appended to `out` (all four without `stored`). */
function serverAlarms(s: ServerResult, peersAnswer: boolean, stored: StoredKeys | undefined, out: AlertCondition[]): void {
  const counts = (alertName: AlertName, state: ConditionState) => canChange(stored, serverAlertKey(alertName, s.address), state);
  if (s.mode === 'unprobed') {
    // Nothing is known: whatever fired stays firing, nothing new fires, nothing resolves.
    for (const name of UNPROBED_HELD) {
      if (!counts(name, 'hold')) continue;
      const held = alarm(name, 'hold', why(s), s.address);
      if (name === 'clients-turned-away') held.forRounds = TURNED_AWAY_ROUNDS;
      out.push(held);
    }
    return;
  }
  // Said next to server-down/server-not-serving, never instead: a round cannot tell a server
  // that closes every connection of ours from one going down (a SIGTERMed server under load
  // does the same for a round), and a missed server-down is worse than one alarm too many.
  const down = s.mode === 'unreachable' || s.mode === 'timeout';
  const notServing = s.mode === 'not-serving';
  const readOnly = s.mode === 'read-only';
  if (counts('server-down', raiseIf(down))) out.push(alarm('server-down', down, down ? `server ${s.address} down: ${why(s)}` : back(s), s.address));
  if (counts('clients-turned-away', raiseIf(turningAway(s, peersAnswer)))) out.push(clientsTurnedAway(s, peersAnswer));
  if (counts('server-not-serving', raiseIf(notServing))) {
    out.push(
      alarm(
        'server-not-serving',
        notServing,
        notServing
          ? `server ${s.address} not serving requests${s.alive ? ' (alive: ruok answers imok)' : ''}`
          : isServing(s.mode)
            ? `server ${s.address} serving again (${s.mode})`
            : `server ${s.address} no longer reports not serving (${s.mode})`,
        s.address,
      ),
    );
  }
  if (counts('read-only', raiseIf(readOnly))) out.push(alarm('read-only', readOnly, readOnly ? `server ${s.address} is read-only (cut off from the quorum)` : back(s), s.address));
}

/** What an unprobed server's alarms hold, in the order the other servers' come. */
const UNPROBED_HELD: readonly AlertName[] = ['server-down', 'server-not-serving', 'read-only', 'clients-turned-away'];

function why(s: ServerResult): string {
  return s.error ? `${s.error.kind}: ${s.error.message}` : s.mode;
}

function back(s: ServerResult): string {
  return `server ${s.address} is back (${s.mode})`;
}

/**
 * One alarm's condition, raised (true), clear (false) or in the state given. `summary`
 * describes the problem when raised and the recovery when not: callers write only the one
 * that applies (most alarms are clear in most rounds, and the other sentence was built for
 * nothing).
 */
export function alarm(alertName: AlertName, state: boolean | ConditionState, summary: string, server?: string): AlertCondition {
  const condition: AlertCondition = {
    alertKey: server ? serverAlertKey(alertName, server) : alertName,
    alertName,
    level: 'alarm',
    state: typeof state === 'boolean' ? raiseIf(state) : state,
    summary,
    forRounds: 1,
    signals: [],
  };
  if (server) condition.server = server;
  return condition;
}

/**
 * Clients are being turned away now (item 7 of issue 13, the probe's half): the server
 * resets, refuses or closes unanswered some of the probe's own connections while it
 * answers others. ZooKeeper 3.8 at `maxClientCnxns` for an IP closes each new connection
 * from it at once (the client sees EPIPE/ECONNRESET or a close) and counts it in
 * `zk_connection_rejected`; other IPs still connect. Out of file descriptors it cannot
 * accept at all. The probe's connections come from one IP, so they are refused only when
 * that IP is at its limit (a probe on the leaking host) or every IP is (fds): then every
 * exchange is reset or closed unanswered (3.8.0 does both, word by word; `srvr` decides the
 * mode, so it reads `unreachable` or `not-serving`) while the other servers answer, and
 * this alarm says why next to the `server-down`/`server-not-serving` the mode raises: the
 * server may be up and serving its other clients.
 *
 * A server in an election or without quorum closes connections unanswered too, but it
 * still answers `ruok` with imok (`alive`), so only a server that is serving, or that
 * answered nothing at all while its peers serve, counts; a dead process refuses the
 * connection rather than resetting it. Even so, a round can straddle the start of an
 * election or a kill (one word answered, the next one closed); a limit that turns clients
 * away holds, so the alarm needs TURNED_AWAY_ROUNDS.
 */
export function clientsTurnedAway(s: ServerResult, peersAnswer: boolean): AlertCondition {
  const refused = refusedOf(s);
  const raised = turningAway(s, peersAnswer);
  const summary = !raised
    ? `server ${s.address} accepts the probe's connections again (${s.mode})`
    : refused.length > 0
      ? `server ${s.address} turned away ${refused.length} of the probe's connections (${refused.map((r) => `${r.word}: ${r.kind}`).join(', ')}) while answering others: clients are being refused now (an IP at maxClientCnxns, or out of file descriptors)${busiestClients(s)}`
      : `server ${s.address} closes every connection from the probe unanswered while its peers answer: the probe's own IP is at maxClientCnxns (does it share a host with a leaking client?) or the server is out of file descriptors`;
  const condition = alarm('clients-turned-away', raised, summary, s.address);
  condition.forRounds = TURNED_AWAY_ROUNDS;
  return condition;
}

function turningAway(s: ServerResult, peersAnswer: boolean): boolean {
  const closedOnUs = s.error?.kind === 'connection-reset' || s.error?.kind === 'no-reply';
  const everyExchangeReset = (s.mode === 'unreachable' || s.mode === 'not-serving') && !s.alive && closedOnUs && peersAnswer;
  return refusedOf(s).length > 0 || everyExchangeReset;
}

function refusedOf(s: ServerResult): readonly RefusedExchange[] {
  return isServing(s.mode) ? (s.refusedExchanges ?? []) : [];
}

function busiestClients(s: ServerResult): string {
  const limit = s.conf?.maxClientCnxns;
  const busiest = s.clients?.top[0];
  return busiest
    ? `; busiest client IP ${busiest.ip} with ${busiest.count}${s.clients?.truncated ? '+' : ''} connections${limit !== undefined && limit !== '0' ? ` (maxClientCnxns ${limit} per IP)` : ''}`
    : '';
}

/** Consecutive rounds of refusals before the alarm: one round can straddle an election or a kill. */
export const TURNED_AWAY_ROUNDS = 2;
