/**
 * A server's own normal for one signal: an exponentially weighted mean and deviation with
 * a time constant (so a document means the same at every cadence). It says nothing until
 * it has learned for the warm-up time, keeps σ above a floor, and once warm stops learning
 * while the signal is raising a warning, so a slowly growing problem cannot teach the
 * baseline that it is normal. During warm-up it learns whatever W says: a baseline that
 * froze before it existed would lock itself out for good.
 */
import type { Baseline } from '../../contract/ensemble-state.ts';
import { significant } from './significant.ts';

export interface BaselineSettings {
  timeConstantS: number;
  warmupS: number;
}

/** μ and σ for P(x), or undefined while the baseline is still warming up. */
export function baselineParams(b: Baseline | undefined, warmupS: number, sigmaFloor: number): { mu: number; sigma: number } | undefined {
  if (!b || b[2] < warmupS || !Number.isFinite(b[0])) return undefined;
  const dev = Number.isFinite(b[1]) ? b[1] : 0;
  return { mu: b[0], sigma: Math.max(dev, sigmaFloor) };
}

/** The baseline after seeing x `dtS` seconds after the last sample; unchanged when x is not finite, or when warm and alerting. */
export function learn(b: Baseline | undefined, x: number, dtS: number, settings: BaselineSettings, alerting: boolean): Baseline | undefined {
  if (!Number.isFinite(x)) return b;
  if (!b) return [round(x), 0, 0];
  const warming = b[2] < settings.warmupS;
  if (alerting && !warming) return b;
  const dt = Number.isFinite(dtS) && dtS > 0 ? dtS : 0;
  const decay = 1 - Math.exp(-dt / Math.max(1, settings.timeConstantS));
  // Early on, weigh like a running mean so the first samples do not dominate for a time constant.
  const alpha = warming ? Math.max(decay, dt / (b[2] + dt || 1)) : decay;
  const diff = x - b[0];
  const mean = b[0] + alpha * diff;
  const dev = Math.sqrt((1 - alpha) * (b[1] * b[1] + alpha * diff * diff));
  if (!Number.isFinite(mean) || !Number.isFinite(dev)) return [round(x), 0, 0];
  return [round(mean), round(dev), Math.min(b[2] + dt, Math.max(settings.warmupS, 1))];
}

/** Five significant digits: plenty for a baseline and it keeps the state item small. */
function round(x: number): number {
  return significant(x, 5);
}
