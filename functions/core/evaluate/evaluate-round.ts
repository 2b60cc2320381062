/**
 * The evaluator's pure entry points: (previous state, round, settings, now) → (state,
 * grouped transitions). The store adapter persists the state with a version condition and
 * delivery publishes the evaluation; nothing here does I/O.
 *
 * Ordering rules:
 * - A round whose id is in `lastRoundIds` is a redelivery: the previous state comes back
 *   unchanged (same object) with no transitions.
 * - A round whose `startedAt` is not after `lastRoundAt` arrived out of order: its id is
 *   remembered, nothing else changes and it yields no transitions. Alerts only move forward
 *   in round time, so a late old round can neither resolve nor re-fire anything, and a
 *   redelivery too old for `lastRoundIds` is still a no-op.
 */
import { checkAlarms, alarm, ROUND_ALARMS } from './alarm-checks.ts';
import { advanceAlerts, announce, canChange, inhibit, type AlertCondition, type LifecycleContext, type StoredKeys } from './alert-lifecycle.ts';
import { assessRisk, type Baselines, type RiskAssessment } from './assess-risk.ts';
import { blindSpotConditions } from './blind-spots.ts';
import { causeSummary, clearedSummary } from './cause-summary.ts';
import { initialState, MAX_ROUND_IDS, type AlertRecord, type EnsembleState } from '../../contract/ensemble-state.ts';
import { readEnsembleState } from '../../contract/read-ensemble-state.ts';
import { rejectedConnections } from './rejected-connections.ts';
import type { Silence } from '../../contract/silences.ts';
import type { SignalName } from '../../contract/signal-catalog.ts';
import { isoTime, parseIsoTime } from './iso-time.ts';
import { extractSignals } from './signals.ts';
import { warningKey, warningSignal } from './warning-key.ts';
import { znodeFindings } from './znode-conditions.ts';
import { baselineAt, DEFAULT_THRESHOLDS, persistenceRounds, resolveThresholds, type ResolvedThresholds } from '../../contract/thresholds.ts';
import type { AlertName, DrivingSignal, Evaluation } from '../../contract/transition.ts';
import { isServing, type ProbeRound } from '../../contract/probe-round.ts';

export { initialState } from '../../contract/ensemble-state.ts';

export interface EvaluationSettings {
  thresholds: ResolvedThresholds;
  silences: Silence[];
  /** What is wrong with the settings documents (the last good ones are in use); non-empty raises `config-invalid`. */
  configProblems: string[];
}

/** No round for this many intervals makes the ensemble `probe-stale`. */
export const STALE_INTERVALS = 3;

const ROUND_SCOPE: readonly AlertName[] = [...ROUND_ALARMS, 'early-warning', 'clients-rejected', 'config-invalid', 'probe-stale', 'blind-spot'];
const ROUND_AND_ZNODE_SCOPE: readonly AlertName[] = [...ROUND_SCOPE, 'znode-rule', 'open-acl'];

/** Round interval assumed until the state has measured one. */
export const DEFAULT_INTERVAL_MS = 60_000;

/**
 * What evaluating a round gives back. `assessment` is every signal's part in this round's
 * warning probability (the state keeps only the combined probability); it is absent when
 * the round changed nothing (a redelivery or a round out of order).
 */
export interface RoundEvaluation {
  state: EnsembleState;
  evaluation: Evaluation;
  assessment?: RiskAssessment;
}

export function evaluateRound(
  previous: EnsembleState | undefined,
  round: ProbeRound,
  settings: EvaluationSettings,
  now: Date,
): RoundEvaluation {
  const stored = previous === undefined ? undefined : readEnsembleState(previous, `state of ensemble "${round.ensembleName}"`);
  if (stored !== previous) previous = stored;
  const state = previous ?? initialState(round.ensembleName);
  if (previous && previous.lastRoundIds.includes(round.roundId)) return { state: previous, evaluation: emptyEvaluation(round.ensembleName, round.roundId, now) };

  const parsedAt = parseIsoTime(round.startedAt);
  const at = Number.isFinite(parsedAt) ? parsedAt : now.getTime();
  const lastAt = state.lastRoundAt === undefined ? undefined : parseIsoTime(state.lastRoundAt);
  if (lastAt !== undefined && at <= lastAt) {
    return { state: { ...state, lastRoundIds: remember(state.lastRoundIds, round.roundId) }, evaluation: emptyEvaluation(round.ensembleName, round.roundId, now) };
  }

  const thresholds = settings.thresholds;
  const atIso = isoTime(at);
  const intervalMs = state.intervalMs ?? (lastAt !== undefined && at > lastAt ? at - lastAt : DEFAULT_INTERVAL_MS);
  const extraction = extractSignals(round, state, at, thresholds);
  const baselines: Baselines = {};
  for (const where in state.mem) {
    const learned = state.mem[where]?.b;
    if (learned) baselines[where] = learned;
  }
  const dtS = lastAt !== undefined ? (at - lastAt) / 1000 : intervalMs / 1000;
  const { timeConstantS, warmupS } = baselineAt(thresholds, intervalMs);
  const risk = assessRisk(extraction.values, baselines, thresholds, { timeConstantS, warmupS, dtS });
  // Given the stored alerts' keys, each producer leaves out the conditions that can change none of them.
  const storedKeys: StoredKeys = new Set(Object.keys(state.alerts));
  const alarms = checkAlarms(round, state, storedKeys);
  const znodes = round.znodes ? znodeFindings(round.znodes, state.znodeDigests ?? {}) : undefined;
  const rejected = rejectedConnections(extraction.turnedAway, storedKeys);
  const found = turnedAwayOnce(alarms.conditions, rejected);
  if (znodes) found.push(...znodes.conditions);
  found.push(...rejected, ...earlyWarnings(risk, thresholds, state, storedKeys, round, at, persistenceRounds(thresholds, intervalMs)), ...blindSpotConditions(round, thresholds.signals, storedKeys));
  const invalid = settings.configProblems.length > 0;
  if (canChange(storedKeys, 'config-invalid', invalid ? 'raise' : 'clear')) {
    const configInvalid = alarm('config-invalid', invalid, invalid ? `settings invalid, evaluating with the last good ones: ${settings.configProblems.join('; ')}` : 'settings valid again');
    configInvalid.level = 'warning';
    found.push(configInvalid);
  }
  if (canChange(storedKeys, 'probe-stale', 'clear')) found.push(alarm('probe-stale', false, `probe rounds arriving again (round at ${atIso})`));
  const conditions = inhibit(found);

  const lifecycle: LifecycleContext = {
    ensembleName: state.ensembleName,
    roundId: round.roundId,
    now,
    repeatEveryMs: thresholds.repeatEveryMs,
    silences: settings.silences,
    // Without znode results this round (no canary), their alerts are neither confirmed nor cleared.
    scope: znodes ? ROUND_AND_ZNODE_SCOPE : ROUND_SCOPE,
  };
  const { alerts, transitions } = advanceAlerts(state.alerts, conditions, lifecycle);

  const mem = extraction.mem;
  for (const where in risk.baselines) {
    // Baselines only of servers still probed (and of the ensemble, `*`).
    if (where !== '*' && !(where in mem)) continue;
    // The extraction's memories are this round's own objects (signals.ts `carried`): the learned baselines go straight in.
    const memory = (mem[where] ??= {});
    memory.b = { ...memory.b, ...risk.baselines[where] };
  }
  const next: EnsembleState = {
    ...state,
    alerts,
    mem,
    elections: extraction.elections,
    multiLeaderRounds: alarms.multiLeaderRounds,
    lastProbability: risk.probability,
    lastRoundIds: remember(state.lastRoundIds, round.roundId),
    lastRoundAt: atIso,
  };
  if (extraction.lastEpoch !== undefined) next.lastEpoch = extraction.lastEpoch;
  if (znodes) next.znodeDigests = znodes.digests;
  const interval = estimateInterval(state.intervalMs, lastAt === undefined ? undefined : at - lastAt);
  if (interval !== undefined) next.intervalMs = interval;

  const notices = znodes?.notices ?? [];
  const all = notices.length === 0 ? transitions : [...transitions, ...notices.map((n) => announce(n.condition, n.since, lifecycle))];
  return {
    state: next,
    evaluation: { ensembleName: state.ensembleName, roundId: round.roundId, evaluatedAt: isoTime(now.getTime()), transitions: all },
    assessment: risk,
  };
}

/**
 * The sweep's check: `probe-stale` fires when no round came for STALE_INTERVALS ×
 * `intervalMs` and resolves with the next round (evaluateRound). `settings` gives the
 * reminder interval and silences; without it the defaults apply and nothing is silenced.
 */
export function evaluateStaleness(
  previous: EnsembleState,
  now: Date,
  intervalMs: number,
  settings?: Pick<EvaluationSettings, 'thresholds' | 'silences'>,
): { state: EnsembleState; evaluation: Evaluation } {
  const roundId = `sweep@${now.toISOString()}`;
  const lastAt = previous.lastRoundAt === undefined ? undefined : parseIsoTime(previous.lastRoundAt);
  if (lastAt === undefined || !Number.isFinite(lastAt)) return { state: previous, evaluation: emptyEvaluation(previous.ensembleName, roundId, now) };
  const silentMs = now.getTime() - lastAt;
  const stale = silentMs >= STALE_INTERVALS * intervalMs;
  const condition = alarm(
    'probe-stale',
    stale,
    stale ? `no probe round for ${formatDuration(silentMs)} (last at ${previous.lastRoundAt}, expected every ${formatDuration(intervalMs)})` : 'probe rounds arriving again',
  );
  const thresholds = settings?.thresholds ?? resolveThresholds(DEFAULT_THRESHOLDS, previous.ensembleName);
  const { alerts, transitions } = advanceAlerts(previous.alerts, [condition], {
    ensembleName: previous.ensembleName,
    roundId,
    now,
    repeatEveryMs: thresholds.repeatEveryMs,
    silences: settings?.silences ?? [],
    scope: ['probe-stale'],
  });
  const state = transitions.length === 0 ? previous : { ...previous, alerts };
  return { state, evaluation: { ensembleName: previous.ensembleName, roundId, evaluatedAt: now.toISOString(), transitions } };
}

/**
 * One warning per cause (signal and server), each with its own persistence, hysteresis and
 * minimum firing time, so a second cause is announced while a first one fires and
 * one-round outliers on different servers never add up. A cause with a stored alert but
 * no value this round (a counter that did not move, a forecast that needs more samples)
 * holds while its server still serves; it clears when the server is gone or stopped.
 */
function earlyWarnings(risk: RiskAssessment, t: ResolvedThresholds, state: EnsembleState, storedKeys: StoredKeys, round: ProbeRound, at: number, forRounds: number): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  const stored: AlertRecord[] = [];
  for (const key in state.alerts) {
    const record = state.alerts[key];
    if (record?.alertName === 'early-warning') stored.push(record);
  }
  const seen = new Set<string>();
  for (const s of risk.signals) {
    const condition = s.risk >= t.warnAt ? 'raise' : s.risk >= t.clearAt ? 'hold' : 'clear';
    // Most rounds store no early warning at all: a calm signal then has nothing to hold or clear and needs no key built and looked up.
    if (condition !== 'raise' && stored.length === 0) continue;
    const alertKey = warningKey(s.signal, s.server);
    if (!canChange(storedKeys, alertKey, condition)) continue;
    seen.add(alertKey);
    conditions.push(cause(alertKey, s, condition, condition === 'clear' ? clearedSummary(s, t.clearAt) : causeSummary(s, at), forRounds, t));
  }
  if (stored.length === 0) return conditions;
  const serving = new Set(round.servers.filter((s) => isServing(s.mode)).map((s) => s.address));
  for (const record of stored) {
    // The single `early-warning` of a version-1 state is not a cause: it clears (and resolves if told).
    if (record.alertKey === 'early-warning' || seen.has(record.alertKey)) continue;
    const stillThere = record.server === undefined ? round.ensemble.hasQuorum : serving.has(record.server);
    // A signal the operator turned off has no cause left to hold: its warning clears.
    const signal = warningSignal(record.alertKey);
    const mode = signal === undefined ? undefined : t.signals[signal as SignalName]?.mode;
    const off = mode === undefined || mode === 'off';
    if (!stillThere || off) continue;
    const held: AlertCondition = { alertKey: record.alertKey, alertName: 'early-warning', level: 'warning', state: 'hold', summary: record.summary, forRounds, signals: [] };
    held.cause = { signal: signal as string };
    if (record.server !== undefined) {
      held.server = record.server;
      held.cause.server = record.server;
    }
    conditions.push(held);
  }
  return conditions;
}

function cause(alertKey: string, s: DrivingSignal, state: AlertCondition['state'], summary: string, forRounds: number, t: ResolvedThresholds): AlertCondition {
  const c: AlertCondition = {
    alertKey,
    alertName: 'early-warning',
    level: 'warning',
    state,
    summary,
    forRounds,
    minFiringMs: t.minFiringMs,
    probability: s.risk,
    signals: [s],
  };
  if (s.server !== undefined) c.server = s.server;
  return c;
}

/** The newest MAX_ROUND_IDS of `ids` and then `id`, which is not among them (a redelivery returned before). */
function remember(ids: readonly string[], id: string): string[] {
  const kept = ids.slice(Math.max(0, ids.length + 1 - MAX_ROUND_IDS));
  kept.push(id);
  return kept;
}

/** Smoothed time between rounds; a gap after an outage counts at most double, so one outage does not stretch it. */
function estimateInterval(previous: number | undefined, delta: number | undefined): number | undefined {
  if (delta === undefined || !(delta > 0)) return previous;
  if (previous === undefined) return Math.round(delta);
  return Math.round(0.8 * previous + 0.2 * Math.min(delta, 2 * previous));
}

function emptyEvaluation(ensembleName: string, roundId: string, now: Date): Evaluation {
  return { ensembleName, roundId, evaluatedAt: isoTime(now.getTime()), transitions: [] };
}

function formatDuration(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * One cause, two views: a server whose own zk_connection_rejected rose (clients-rejected)
 * and that also turned the probe's connections away (clients-turned-away) is one episode
 * of clients being refused. The counter's alarm speaks; the probe's is recorded, inhibited
 * (marked in place, as inhibit does: the conditions are this evaluation's own).
 */
function turnedAwayOnce(alarms: AlertCondition[], rejected: readonly AlertCondition[]): AlertCondition[] {
  const rejecting = new Set(rejected.filter((c) => c.state === 'raise').map((c) => c.server));
  for (const c of alarms) if (c.alertName === 'clients-turned-away' && c.state !== 'clear' && rejecting.has(c.server)) c.inhibitedBy = `clients-rejected:${c.server}`;
  return alarms;
}
