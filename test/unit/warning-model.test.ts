import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignalModes } from '../../functions/contract/signal-catalog.ts';
import { detection, logistic, noisyOr, signalRisk, warning } from '../../functions/core/evaluate/warning-model.ts';

const anyDouble = fc.double();
const direction = fc.constantFrom('higher-is-worse' as const, 'lower-is-worse' as const);
const inUnit = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;

describe('warning model', () => {
  it('W is 0.5 at nu and moves one tau to 1/(1+e^-1)', () => {
    expect(warning(80, 80, 5)).toBe(0.5);
    expect(warning(85, 80, 5)).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(warning(75, 80, 5)).toBeCloseTo(1 / (1 + Math.exp(1)), 12);
  });

  it('mirrors the curve for lower-is-worse signals (forecasts)', () => {
    expect(warning(4, 24, 4, 'lower-is-worse')).toBeGreaterThan(0.99);
    expect(warning(96, 24, 4, 'lower-is-worse')).toBeLessThan(0.001);
    expect(detection(10, 20, 5, 'lower-is-worse')).toBeCloseTo(warning(30, 20, 5), 12);
  });

  it('treats NaN as no evidence and a non-positive scale as a step at the centre', () => {
    expect(logistic(Number.NaN, 1, 1)).toBe(0);
    expect(logistic(2, 1, 0)).toBe(1);
    expect(logistic(0, 1, -3)).toBeLessThan(1e-20);
    expect(logistic(1, 1, 0)).toBe(0.5);
    expect(logistic(Infinity, Infinity, 1)).toBe(0);
  });

  it('P and W are finite and in [0,1] for any doubles (NaN, ±Infinity, huge, tiny, negative scale)', () => {
    fc.assert(
      fc.property(anyDouble, anyDouble, anyDouble, direction, (x, centre, scale, dir) => {
        expect(inUnit(warning(x, centre, scale, dir))).toBe(true);
        expect(inUnit(detection(x, centre, scale, dir))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('W never decreases as x grows (higher-is-worse) for a positive finite tau', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), fc.double({ noNaN: true }), fc.double({ min: 1e-9, max: 1e9, noNaN: true }), (a, b, nu, tau) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(warning(lo, nu, tau)).toBeLessThanOrEqual(warning(hi, nu, tau));
      }),
    );
  });

  it('every mode gives a risk in [0,1], whatever W and P are', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SignalModes), anyDouble, fc.option(anyDouble, { nil: undefined }), (mode, w, p) => {
        expect(inUnit(signalRisk(mode, w, p))).toBe(true);
      }),
    );
  });

  it('combines W and P as the mode says; P unknown (warm-up) counts as ½ in p*w', () => {
    expect(signalRisk('w', 0.7, 0.2)).toBe(0.7);
    expect(signalRisk('p', 0.7, 0.2)).toBe(0.2);
    expect(signalRisk('p*w', 0.7, 0.2)).toBeCloseTo(0.14, 12);
    expect(signalRisk('max', 0.7, 0.9)).toBe(0.9);
    expect(signalRisk('off', 1, 1)).toBe(0);
    // Was 0.7 (p*w acting as w in warm-up); changed with issue 13: see early-warnings.test.ts, "a server whose habit is fast growth".
    expect(signalRisk('p*w', 0.7, undefined)).toBe(0.35);
    expect(signalRisk('p', 0.7, undefined)).toBe(0);
  });

  it('noisy-OR is 1 - prod(1 - r)', () => {
    expect(noisyOr([])).toBe(0);
    expect(noisyOr([0.5, 0.5])).toBeCloseTo(0.75, 12);
    expect(noisyOr([0.1, 0.2, 0.3])).toBeCloseTo(1 - 0.9 * 0.8 * 0.7, 12);
  });

  it('noisy-OR stays in [0,1] and is at least the largest risk, for any list of doubles', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { maxLength: 200 }), (risks) => {
        const p = noisyOr(risks);
        expect(inUnit(p)).toBe(true);
        const sane = risks.filter((r) => !Number.isNaN(r)).map((r) => Math.min(1, Math.max(0, r)));
        if (sane.length > 0) expect(p).toBeGreaterThanOrEqual(Math.max(...sane) - 1e-12);
      }),
    );
  });
});
