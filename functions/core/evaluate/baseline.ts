/**
 * A server's own normal for one signal: an exponentially weighted mean and deviation,
 * learned round by round. It says nothing until warm, keeps σ above a floor, and stops
 * learning while the signal is raising a warning, so a slowly growing problem cannot
 * teach the baseline that it is normal.
 */
import type { Baseline } from './ensemble-state.ts';

export interface BaselineSettings {
  alpha: number;
  warmupRounds: number;
}

/** μ and σ for P(x), or undefined while the baseline is still warming up. */
export function baselineParams(b: Baseline | undefined, warmupRounds: number, sigmaFloor: number): { mu: number; sigma: number } | undefined {
  if (!b || b.n < warmupRounds || !Number.isFinite(b.mean)) return undefined;
  const dev = Number.isFinite(b.dev) ? b.dev : 0;
  return { mu: b.mean, sigma: Math.max(dev, sigmaFloor) };
}

/** The baseline after seeing x; unchanged when x is not finite or the signal is alerting. */
export function learn(b: Baseline | undefined, x: number, settings: BaselineSettings, frozen: boolean): Baseline | undefined {
  if (frozen || !Number.isFinite(x)) return b;
  if (!b) return { mean: x, dev: 0, n: 1 };
  const alpha = b.n < settings.warmupRounds ? Math.max(settings.alpha, 1 / (b.n + 1)) : settings.alpha;
  const diff = x - b.mean;
  const mean = b.mean + alpha * diff;
  const variance = (1 - alpha) * (b.dev * b.dev + alpha * diff * diff);
  const dev = Math.sqrt(variance);
  if (!Number.isFinite(mean) || !Number.isFinite(dev)) return { mean: x, dev: 0, n: 1 };
  return { mean: round(mean), dev: round(dev), n: Math.min(b.n + 1, settings.warmupRounds) };
}

/** Six significant digits: plenty for a baseline and it keeps the state item small. */
function round(x: number): number {
  return Number(x.toPrecision(6));
}
