/**
 * Every signal's risk for a round, as the evaluator computed it: the state stores only
 * the noisy-OR probability, so the exporter recomputes the parts from the state the
 * evaluator started from (the previous round's committed state) and the same thresholds.
 */
import { assessRisk, type RiskAssessment } from '../evaluate/assess-risk.ts';
import { initialState, type EnsembleState } from '../evaluate/ensemble-state.ts';
import { extractSignals } from '../evaluate/signals.ts';
import type { ResolvedThresholds } from '../evaluate/thresholds.ts';
import type { ProbeRound } from '../probe/probe-round.ts';

export function roundRisk(round: ProbeRound, previous: EnsembleState | undefined, thresholds: ResolvedThresholds): RiskAssessment {
  const state = previous ?? initialState(round.ensembleName);
  const parsed = Date.parse(round.startedAt);
  const { values } = extractSignals(round, state, Number.isFinite(parsed) ? parsed : 0);
  return assessRisk(values, state.baselines, thresholds);
}
