/**
 * Replays a scenario's stored rounds through the real evaluator (`evaluateRound`, the
 * code the evaluator Lambda runs: signals, risk, per-cause lifecycle) with the default
 * thresholds, and scores it against the scenario's truth: when the first right warning
 * was notified and how long before the limit, what it forecast, and every warning that
 * should not have fired.
 */
import { evaluateRound } from '../functions/core/evaluate/evaluate-round.ts';
import { warningKey } from '../functions/core/evaluate/warning-key.ts';
import type { EnsembleState } from '../functions/contract/ensemble-state.ts';
import { episodesOf, type AlertEpisode } from '../functions/core/evaluate/replay.ts';
import { settingsFor } from '../functions/core/evaluate/settings-snapshot.ts';
import type { ThresholdsDocument } from '../functions/contract/thresholds.ts';
import type { Transition } from '../functions/contract/transition.ts';
import type { ProbeRound } from '../functions/contract/probe-round.ts';
import type { Scenario } from './warning-scenarios.ts';

export interface FirstWarning {
  alertKey: string;
  round: number;
  at: string;
  /** Minutes from the notification to the limit (positive: before it). */
  leadMinutes?: number;
  /** For forecasts: the hours left the warning said, and the truth. */
  saidHours?: number;
  trueHours?: number;
  summary: string;
}

export interface ScenarioScore {
  name: string;
  rounds: number;
  first?: FirstWarning;
  /** Warning episodes whose cause is not among the scenario's expected ones. */
  falseWarnings: AlertEpisode[];
  warnings: AlertEpisode[];
  alarms: AlertEpisode[];
  /** Per warning key: the first round its risk reached warnAt, and the round it was notified. */
  raisedAt: Record<string, number>;
  notifiedAt: Record<string, number>;
  maxStateBytes: number;
  finalState: EnsembleState;
  transitions: Transition[];
}

export function replayScenario(scenario: Scenario, rounds: readonly ProbeRound[], thresholds: ThresholdsDocument = {}): ScenarioScore {
  const settings = settingsFor({ thresholds, silences: [], configProblems: [] }, scenario.name);
  const warnAt = settings.thresholds.warnAt;
  let state: EnsembleState | undefined;
  let maxStateBytes = 0;
  const transitions: Transition[] = [];
  const raisedAt: Record<string, number> = {};
  const notifiedAt: Record<string, number> = {};
  const roundOf = new Map<string, number>();
  rounds.forEach((round, i) => {
    const result = evaluateRound(state, round, settings, new Date(round.startedAt));
    state = result.state;
    roundOf.set(round.roundId, i);
    for (const s of result.assessment?.signals ?? []) {
      const key = warningKey(s.signal, s.server);
      if (s.risk >= warnAt && raisedAt[key] === undefined) raisedAt[key] = i;
    }
    for (const t of result.evaluation.transitions) {
      transitions.push(t);
      if (t.alertName === 'early-warning' && t.change === 'fired' && t.notify && notifiedAt[t.alertKey] === undefined) notifiedAt[t.alertKey] = i;
    }
    maxStateBytes = Math.max(maxStateBytes, Buffer.byteLength(JSON.stringify(state)));
  });
  const episodes = episodesOf(transitions);
  const warnings = episodes.filter((e) => e.alertName === 'early-warning');
  const expected = new Set(scenario.truth.expected.map((e) => `early-warning:${e}`));
  const falseWarnings = warnings.filter((e) => !expected.has(e.alertKey));
  const firstTransition = transitions.find((t) => t.alertName === 'early-warning' && t.change === 'fired' && t.notify && expected.has(t.alertKey));
  const score: ScenarioScore = {
    name: scenario.name,
    rounds: rounds.length,
    falseWarnings,
    warnings,
    alarms: episodes.filter((e) => e.level === 'alarm'),
    raisedAt,
    notifiedAt,
    maxStateBytes,
    finalState: state as EnsembleState,
    transitions,
  };
  if (firstTransition) {
    const round = roundOf.get(firstTransition.roundId) ?? -1;
    const first: FirstWarning = { alertKey: firstTransition.alertKey, round, at: firstTransition.at, summary: firstTransition.summary };
    const limit = scenario.truth.limitRound;
    if (limit !== undefined) {
      first.leadMinutes = ((limit - round) * scenario.intervalMs) / 60_000;
      const s = firstTransition.signals[0];
      if (s?.forecast) {
        first.saidHours = s.value;
        first.trueHours = first.leadMinutes / 60;
      }
    }
    score.first = first;
  }
  return score;
}
