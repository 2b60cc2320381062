/**
 * One round's signal values through the warning model: each signal's W, P and risk, the
 * ensemble's noisy-OR warning probability (a summary figure: warnings are per cause), and
 * the baselines after learning this round. Only signals whose mode reads P keep a
 * baseline; `off` signals are not assessed at all.
 */
import { baselineParams, learn, type BaselineSettings } from './baseline.ts';
import type { Baseline } from '../../contract/ensemble-state.ts';
import { P_MODES, SIGNAL_CATALOG } from '../../contract/signal-catalog.ts';
import type { SignalValue } from './signals.ts';
import type { ResolvedThresholds } from '../../contract/thresholds.ts';
import type { DrivingSignal } from '../../contract/transition.ts';
import { significant } from './significant.ts';
import { detection, noisyOr, signalRisk, warning } from './warning-model.ts';

/** Signals below this risk are not worth naming in a message. */
export const DRIVING_RISK = 0.01;
export const MAX_DRIVING_SIGNALS = 5;

/** Baselines by server address (`*` for the ensemble), then by signal. */
export type Baselines = Record<string, Record<string, Baseline>>;

export interface RiskAssessment {
  probability: number;
  /** Every signal's part, highest risk first. */
  signals: DrivingSignal[];
  /** The ones worth naming: risk ≥ DRIVING_RISK, at most MAX_DRIVING_SIGNALS. */
  driving: DrivingSignal[];
  baselines: Baselines;
}

export function assessRisk(
  values: readonly SignalValue[],
  baselines: Readonly<Baselines>,
  thresholds: Pick<ResolvedThresholds, 'signals' | 'clearAt'>,
  learning: BaselineSettings & { dtS: number },
): RiskAssessment {
  const next: Baselines = {};
  const signals: DrivingSignal[] = [];
  // A server's values come one after another: its baselines, before and learned, are looked up once per run of them.
  let where: string | undefined;
  let learnedBefore: Readonly<Record<string, Baseline>> | undefined;
  let learnedNow: Record<string, Baseline> | undefined;
  for (const v of values) {
    const { signal, server, value } = v;
    const threshold = thresholds.signals[signal];
    if (threshold.mode === 'off') continue;
    const { direction, unit } = SIGNAL_CATALOG[signal];
    if ((server ?? '*') !== where) {
      where = server ?? '*';
      learnedBefore = baselines[where];
      learnedNow = next[where];
    }
    const before = learnedBefore?.[signal];
    const usesP = P_MODES.includes(threshold.mode);
    const params = usesP ? baselineParams(before, learning.warmupS, threshold.sigmaFloor) : undefined;
    const w = warning(value, threshold.nu, threshold.tau, direction);
    const p = params ? detection(value, params.mu, params.sigma, direction) : undefined;
    const risk = signalRisk(threshold.mode, w, p);
    if (usesP) {
      const learned = learn(before, value, learning.dtS, learning, risk >= thresholds.clearAt);
      if (learned) (learnedNow ??= next[where] = {})[signal] = learned;
    }
    const roundedW = sig(w);
    const roundedP = p === undefined ? undefined : sig(p);
    // Most modes give W or P itself as the risk (all `w` signals, the default of most): its rounding is already done.
    const roundedRisk = risk === w ? roundedW : risk === p ? (roundedP as number) : sig(risk);
    const part: DrivingSignal = { signal, value: sig(value), unit, nu: threshold.nu, tau: threshold.tau, w: roundedW, risk: roundedRisk, mode: threshold.mode };
    if (server) part.server = server;
    if (roundedP !== undefined) part.p = roundedP;
    if (v.subject !== undefined) part.subject = v.subject;
    if (v.forecast) part.forecast = { tier: v.forecast.tier, current: sig(v.forecast.current), limit: v.forecast.limit, perHour: sig(v.forecast.perHour) };
    signals.push(part);
  }
  byRiskDescending(signals);
  return {
    probability: sig(noisyOr(signals.map((s) => s.risk))),
    signals,
    driving: signals.filter((s) => s.risk >= DRIVING_RISK).slice(0, MAX_DRIVING_SIGNALS),
    baselines: next,
  };
}

/**
 * Sorts highest risk first, keeping the order of equal risks: what a stable
 * `sort((a, b) => b.risk - a.risk)` gives (risks are never NaN: clamp01 and significant
 * keep them in [0, 1]). An insertion sort of two dozen parts costs a fraction of the
 * built-in sort's comparator calls, which were a fifth of assessing a round.
 */
function byRiskDescending(parts: DrivingSignal[]): void {
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as DrivingSignal;
    let j = i;
    while (j > 0 && (parts[j - 1] as DrivingSignal).risk < part.risk) {
      parts[j] = parts[j - 1] as DrivingSignal;
      j--;
    }
    parts[j] = part;
  }
}

function sig(x: number): number {
  return significant(x, 4);
}
