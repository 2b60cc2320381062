/**
 * The fits were rewritten for speed (arrays of times and values instead of a pair per
 * sample, no filtered copies). Forecasts must come out bit for bit the same, so the first
 * implementation is kept here as the reference and both are compared on arbitrary series:
 * in time order or not, with repeated times, samples outside the window, any values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leastSquares, MIN_LINE_POINTS, robustLine, type Line } from '../../functions/core/evaluate/forecast.ts';
import { seriesOf, type Sample } from '../support/samples.ts';

const HOUR_S = 3600;

function referenceWithin(samples: readonly Sample[], at: number, windowS: number): Sample[] {
  return samples.filter((sample) => sample[0] > at - windowS - 1 && sample[0] <= at);
}

function referenceLeastSquares(samples: readonly Sample[], at: number, windowS: number): Line | undefined {
  const used = referenceWithin(samples, at, windowS);
  const first = used[0];
  const last = used.at(-1);
  if (used.length < MIN_LINE_POINTS || !first || !last || last[0] - first[0] < windowS / 3) return undefined;
  let mx = 0;
  let my = 0;
  for (const [t, v] of used) {
    mx += (t - at) / HOUR_S;
    my += v;
  }
  mx /= used.length;
  my /= used.length;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [t, v] of used) {
    const dx = (t - at) / HOUR_S - mx;
    const dy = v - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return undefined;
  const slope = sxy / sxx;
  const value = my - slope * mx;
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  if (!Number.isFinite(slope) || !Number.isFinite(value)) return undefined;
  return { slope, value, r2, points: used.length, spanS: last[0] - first[0] };
}

function referenceRobustLine(samples: readonly Sample[], at: number, windowS: number): Line | undefined {
  const used = referenceWithin(samples, at, windowS);
  const first = used[0];
  const last = used.at(-1);
  if (used.length < MIN_LINE_POINTS || !first || !last || last[0] - first[0] < windowS / 3) return undefined;
  const slopes: number[] = [];
  for (let i = 0; i < used.length; i++) {
    for (let j = i + 1; j < used.length; j++) {
      const a = used[i] as Sample;
      const b = used[j] as Sample;
      if (b[0] > a[0]) slopes.push(((b[1] - a[1]) / (b[0] - a[0])) * HOUR_S);
    }
  }
  if (slopes.length === 0) return undefined;
  const slope = referenceMedian(slopes);
  const value = referenceMedian(used.map((sample) => sample[1] - (slope * (sample[0] - at)) / HOUR_S));
  return { slope, value, r2: Number.NaN, points: used.length, spanS: last[0] - first[0] };
}

function referenceMedian(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const AT = 1_900_000_000;
const windowS = fc.constantFrom(600, 900, 300, 21_600, 7200);
const sample = fc.tuple(
  fc.oneof(fc.integer({ min: AT - 30_000, max: AT + 600 }).map((t) => Math.round(t / 10) * 10), fc.integer({ min: AT - 30_000, max: AT + 600 })),
  fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.constantFrom(0, 400, 401)),
);
/** Series as the evaluator grows them: times in order, a round or so apart. */
const grown = fc
  .record({ start: fc.integer({ min: AT - 25_000, max: AT }), steps: fc.array(fc.tuple(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: -50, max: 50 })), { maxLength: 30 }) })
  .map(({ start, steps }) => {
    let t = start;
    let v = 1000;
    return steps.map(([dt, dv]): Sample => [(t += dt), (v += dv)]);
  });
const samples = fc.oneof(grown, fc.array(sample, { maxLength: 30 }));
const at = fc.oneof(fc.constant(AT), fc.integer({ min: AT - 2000, max: AT + 600 }));
/** Mostly read at the last sample, as the evaluator does, so that most cases fit a line. */
const readAt = (xs: Sample[], now: number, atLast: boolean) => (atLast && xs.length > 0 ? (xs.at(-1) as Sample)[0] : now);

describe('fits: the rewritten ones agree with the first ones', () => {
  it('least squares gives the same line, or none, for any series', () => {
    fc.assert(
      fc.property(samples, at, fc.boolean(), windowS, (xs, now, atLast, w) => {
        const t = readAt(xs, now, atLast);
        expect(leastSquares(seriesOf(xs), t, w)).toEqual(referenceLeastSquares(xs, t, w));
      }),
      { numRuns: 20_000 },
    );
  });

  it('Theil–Sen gives the same line, or none, for any series', () => {
    fc.assert(
      fc.property(samples, at, fc.boolean(), windowS, (xs, now, atLast, w) => {
        const t = readAt(xs, now, atLast);
        expect(robustLine(seriesOf(xs), t, w)).toEqual(referenceRobustLine(xs, t, w));
      }),
      { numRuns: 10_000 },
    );
  });
});
