/**
 * One round's signal values through the warning model: each signal's W, P and risk, the
 * ensemble's noisy-OR warning probability, and the baselines after learning this round.
 */
import { baselineParams, learn } from './baseline.ts';
import { seriesKey, type Baseline } from './ensemble-state.ts';
import { SIGNAL_CATALOG } from './signal-catalog.ts';
import type { SignalValue } from './signals.ts';
import type { ResolvedThresholds } from './thresholds.ts';
import type { DrivingSignal } from './transition.ts';
import { detection, noisyOr, signalRisk, warning } from './warning-model.ts';

/** Signals below this risk are not worth naming in a message. */
export const DRIVING_RISK = 0.01;
export const MAX_DRIVING_SIGNALS = 5;

export interface RiskAssessment {
  probability: number;
  /** Every signal's part, highest risk first. */
  signals: DrivingSignal[];
  /** The ones worth naming: risk ≥ DRIVING_RISK, at most MAX_DRIVING_SIGNALS. */
  driving: DrivingSignal[];
  baselines: Record<string, Baseline>;
}

export function assessRisk(values: readonly SignalValue[], baselines: Readonly<Record<string, Baseline>>, thresholds: ResolvedThresholds): RiskAssessment {
  const next: Record<string, Baseline> = { ...baselines };
  const signals: DrivingSignal[] = [];
  for (const { signal, server, value } of values) {
    const threshold = thresholds.signals[signal];
    const { direction } = SIGNAL_CATALOG[signal];
    const key = seriesKey(server, signal);
    const params = baselineParams(baselines[key], thresholds.baseline.warmupRounds, threshold.sigmaFloor);
    const w = warning(value, threshold.nu, threshold.tau, direction);
    const p = params ? detection(value, params.mu, params.sigma, direction) : undefined;
    const risk = signalRisk(threshold.mode, w, p);
    const learned = learn(baselines[key], value, thresholds.baseline, risk >= thresholds.clearAt);
    if (learned) next[key] = learned;
    if (threshold.mode === 'off') continue;
    const part: DrivingSignal = { signal, value: sig(value), nu: threshold.nu, tau: threshold.tau, w: sig(w), risk: sig(risk), mode: threshold.mode };
    if (server) part.server = server;
    if (p !== undefined) part.p = sig(p);
    signals.push(part);
  }
  signals.sort((a, b) => b.risk - a.risk);
  return {
    probability: sig(noisyOr(signals.map((s) => s.risk))),
    signals,
    driving: signals.filter((s) => s.risk >= DRIVING_RISK).slice(0, MAX_DRIVING_SIGNALS),
    baselines: next,
  };
}

function sig(x: number): number {
  return Number(x.toPrecision(4));
}
