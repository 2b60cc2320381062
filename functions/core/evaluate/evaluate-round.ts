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
import { advanceAlerts, inhibit, type AlertCondition } from './alert-lifecycle.ts';
import { assessRisk, type RiskAssessment } from './assess-risk.ts';
import { blindSpotConditions } from './blind-spots.ts';
import { initialState, MAX_ROUND_IDS, type EnsembleState } from './ensemble-state.ts';
import type { Silence } from './silences.ts';
import { extractSignals } from './signals.ts';
import { znodeFindings } from './znode-conditions.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds, type ResolvedThresholds } from './thresholds.ts';
import type { AlertName, DrivingSignal, Evaluation } from './transition.ts';
import type { ProbeRound } from '../probe/probe-round.ts';

export { initialState } from './ensemble-state.ts';

export interface EvaluationSettings {
  thresholds: ResolvedThresholds;
  silences: Silence[];
  /** What is wrong with the settings documents (the last good ones are in use); non-empty raises `config-invalid`. */
  configProblems: string[];
}

/** No round for this many intervals makes the ensemble `probe-stale`. */
export const STALE_INTERVALS = 3;

const ROUND_SCOPE: readonly AlertName[] = [...ROUND_ALARMS, 'early-warning', 'config-invalid', 'probe-stale', 'blind-spot'];
const ZNODE_SCOPE: readonly AlertName[] = ['znode-rule', 'open-acl'];

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
  const state = previous ?? initialState(round.ensembleName);
  const noChange = (s: EnsembleState) => ({ state: s, evaluation: emptyEvaluation(round.ensembleName, round.roundId, now) });
  if (previous && previous.lastRoundIds.includes(round.roundId)) return noChange(previous);

  const parsedAt = Date.parse(round.startedAt);
  const at = Number.isFinite(parsedAt) ? parsedAt : now.getTime();
  const lastAt = state.lastRoundAt === undefined ? undefined : Date.parse(state.lastRoundAt);
  if (lastAt !== undefined && at <= lastAt) return noChange({ ...state, lastRoundIds: remember(state.lastRoundIds, round.roundId) });

  const thresholds = settings.thresholds;
  const extraction = extractSignals(round, state, at);
  const risk = assessRisk(extraction.values, state.baselines, thresholds);
  const alarms = checkAlarms(round, state);
  const configInvalid: AlertCondition = {
    ...alarm(
      'config-invalid',
      settings.configProblems.length > 0,
      `settings invalid, evaluating with the last good ones: ${settings.configProblems.join('; ')}`,
      'settings valid again',
    ),
    level: 'warning',
  };
  const znodes = round.znodes
    ? znodeFindings(round.znodes, state.znodeDigests ?? {}, { ensembleName: state.ensembleName, roundId: round.roundId, now, silences: settings.silences })
    : undefined;
  const conditions = inhibit([
    ...alarms.conditions,
    ...(znodes?.conditions ?? []),
    earlyWarning(risk, thresholds),
    ...blindSpotConditions(round, thresholds.signals),
    configInvalid,
    alarm('probe-stale', false, '', `probe rounds arriving again (round at ${new Date(at).toISOString()})`),
  ]);

  const { alerts, transitions } = advanceAlerts(state.alerts, conditions, {
    ensembleName: state.ensembleName,
    roundId: round.roundId,
    now,
    repeatEveryMs: thresholds.repeatEveryMs,
    silences: settings.silences,
    // Without znode results this round (no canary), their alerts are neither confirmed nor cleared.
    scope: znodes ? [...ROUND_SCOPE, ...ZNODE_SCOPE] : ROUND_SCOPE,
  });

  const servers = new Set([...round.servers.map((s) => s.address), '*']);
  const next: EnsembleState = {
    ...state,
    alerts,
    baselines: Object.fromEntries(Object.entries(risk.baselines).filter(([key]) => servers.has(key.slice(0, key.lastIndexOf('|'))))),
    history: extraction.history,
    elections: extraction.elections,
    multiLeaderRounds: alarms.multiLeaderRounds,
    lastProbability: risk.probability,
    lastRoundIds: remember(state.lastRoundIds, round.roundId),
    lastRoundAt: new Date(at).toISOString(),
  };
  if (extraction.lastEpoch !== undefined) next.lastEpoch = extraction.lastEpoch;
  if (znodes) next.znodeDigests = znodes.digests;
  const interval = estimateInterval(state.intervalMs, lastAt === undefined ? undefined : at - lastAt);
  if (interval !== undefined) next.intervalMs = interval;

  const all = [...transitions, ...(znodes?.notices ?? [])];
  return {
    state: next,
    evaluation: { ensembleName: state.ensembleName, roundId: round.roundId, evaluatedAt: now.toISOString(), transitions: all },
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
  const lastAt = previous.lastRoundAt === undefined ? undefined : Date.parse(previous.lastRoundAt);
  if (lastAt === undefined || !Number.isFinite(lastAt)) return { state: previous, evaluation: emptyEvaluation(previous.ensembleName, roundId, now) };
  const silentMs = now.getTime() - lastAt;
  const condition = alarm(
    'probe-stale',
    silentMs >= STALE_INTERVALS * intervalMs,
    `no probe round for ${formatDuration(silentMs)} (last at ${previous.lastRoundAt}, expected every ${formatDuration(intervalMs)})`,
    'probe rounds arriving again',
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

function earlyWarning(risk: RiskAssessment, t: ResolvedThresholds): AlertCondition {
  const p = risk.probability;
  const state = p >= t.warnAt ? 'raise' : p >= t.clearAt ? 'hold' : 'clear';
  const named = risk.driving.map(describeSignal).join('; ');
  return {
    alertKey: 'early-warning',
    alertName: 'early-warning',
    level: 'warning',
    state,
    summary:
      state === 'clear'
        ? `warning probability back to ${p} (below clearAt ${t.clearAt})`
        : `warning probability ${p} (warnAt ${t.warnAt}): ${named || 'many small risks together'}`,
    forRounds: t.forRounds,
    probability: p,
    signals: risk.driving,
  };
}

function describeSignal(s: DrivingSignal): string {
  return `${s.signal}${s.server ? ` on ${s.server}` : ''} = ${s.value} (ν ${s.nu}, τ ${s.tau}, risk ${s.risk})`;
}

function remember(ids: readonly string[], id: string): string[] {
  return [...ids.filter((x) => x !== id), id].slice(-MAX_ROUND_IDS);
}

/** Smoothed time between rounds; a gap after an outage counts at most double, so one outage does not stretch it. */
function estimateInterval(previous: number | undefined, delta: number | undefined): number | undefined {
  if (delta === undefined || !(delta > 0)) return previous;
  if (previous === undefined) return Math.round(delta);
  return Math.round(0.8 * previous + 0.2 * Math.min(delta, 2 * previous));
}

function emptyEvaluation(ensembleName: string, roundId: string, now: Date): Evaluation {
  return { ensembleName, roundId, evaluatedAt: now.toISOString(), transitions: [] };
}

function formatDuration(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
