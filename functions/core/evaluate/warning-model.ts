/**
 * The two logistic curves and how they combine. Every function here returns a finite
 * number in [0, 1] for any input (NaN, ±Infinity, zero or negative scales included):
 * a bad value must never turn into a NaN that silently disables alerting.
 */
import type { Direction, SignalMode } from '../../contract/signal-catalog.ts';

/** |z| beyond this gives 0 or 1 to double precision anyway; clamping keeps exp() finite. */
const MAX_EXPONENT = 50;

/**
 * 1/(1+e^(-(x-centre)/scale)), mirrored for lower-is-worse signals. NaN anywhere means
 * "no evidence" (0). A scale that is not a positive finite number makes a step at centre.
 */
export function logistic(x: number, centre: number, scale: number, direction: Direction = 'higher-is-worse'): number {
  if (Number.isNaN(x) || Number.isNaN(centre) || Number.isNaN(scale)) return 0;
  const sign = direction === 'lower-is-worse' ? -1 : 1;
  const diff = sign * (x - centre);
  if (Number.isNaN(diff)) return 0;
  const z = scale > 0 && Number.isFinite(scale) ? diff / scale : Math.sign(diff) * MAX_EXPONENT;
  const clamped = Math.min(MAX_EXPONENT, Math.max(-MAX_EXPONENT, z));
  return clamp01(1 / (1 + Math.exp(-clamped)));
}

/** Detection: how unusual x is for this server, P(x) = 1/(1+e^(-(x-μ)/σ)). */
export function detection(x: number, mu: number, sigma: number, direction: Direction = 'higher-is-worse'): number {
  return logistic(x, mu, sigma, direction);
}

/** Warning: how close x is to trouble, W(x) = 1/(1+e^(-(x-ν)/τ)). */
export function warning(x: number, nu: number, tau: number, direction: Direction = 'higher-is-worse'): number {
  return logistic(x, nu, tau, direction);
}

/**
 * A signal's risk from W and P. P is undefined while the baseline warms up: then `p*w`
 * takes P as ½ (nothing known to be unusual yet), so it cannot reach warnAt 0.5 before
 * the server's habit is known, and `p` says nothing yet. (It used to take P as 1, acting
 * as plain W: a server whose habit is above ν then fired during warm-up and, with P back
 * near ½ at its own mean, held above clearAt for good — a false warning that never clears.)
 */
/** P at the baseline's mean: "as usual for this server". */
export const NEUTRAL_P = 0.5;

export function signalRisk(mode: SignalMode, w: number, p: number | undefined): number {
  const W = clamp01(w);
  const P = p === undefined ? undefined : clamp01(p);
  switch (mode) {
    case 'w':
      return W;
    case 'p':
      return P ?? 0;
    case 'p*w':
      return W * (P ?? NEUTRAL_P);
    case 'max':
      return Math.max(W, P ?? 0);
    case 'off':
      return 0;
  }
}

/** Noisy-OR: the chance that at least one of independent risks materialises, 1 − Π(1 − rᵢ). */
export function noisyOr(risks: readonly number[]): number {
  let survive = 1;
  for (const r of risks) survive *= 1 - clamp01(r);
  return clamp01(1 - survive);
}

export function clamp01(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.min(1, Math.max(0, x));
}
