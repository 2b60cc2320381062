/**
 * The packed series encoding was rewritten for speed (string building and a character-code
 * table instead of array joins and a Map, appendPacked re-encoding only the end that
 * changed, and arrays of times and values instead of a pair per sample). Stored states
 * must read and write the same, so the first implementation is kept here as the reference
 * and both are compared on arbitrary series and arbitrary packed strings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendPacked, packSeries, SERIES_TIME_UNIT_S, unpackSeries } from '../../functions/contract/packed-series.ts';
import { samplesOf, seriesOf, type Sample } from '../support/samples.ts';

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DIGIT_VALUE = new Map([...DIGITS].map((c, i) => [c, i]));

function referenceUnpack(packed: string | undefined, scale = 1): Sample[] {
  if (!packed) return [];
  const numbers: number[] = [];
  let n = 0;
  let shift = 1;
  for (const c of packed) {
    const d = DIGIT_VALUE.get(c);
    if (d === undefined) return [];
    n += (d & 31) * shift;
    if (d & 32) {
      shift *= 32;
    } else {
      numbers.push(n % 2 === 0 ? n / 2 : -(n + 1) / 2);
      n = 0;
      shift = 1;
    }
  }
  const out: Sample[] = [];
  let t = 0;
  let v = 0;
  for (let i = 0; i + 1 < numbers.length; i += 2) {
    t += numbers[i] as number;
    v += numbers[i + 1] as number;
    out.push([t * SERIES_TIME_UNIT_S, v / scale]);
  }
  return out;
}

function referencePack(samples: readonly Sample[], scale = 1): string {
  const out: string[] = [];
  let t = 0;
  let v = 0;
  for (const [st, sv] of samples) {
    const ti = Math.round(st / SERIES_TIME_UNIT_S);
    const vi = Math.round(sv * scale);
    put(out, ti - t);
    put(out, vi - v);
    t = ti;
    v = vi;
  }
  return out.join('');
}

function put(out: string[], value: number): void {
  let n = value >= 0 ? 2 * value : -2 * value - 1;
  do {
    const low = n % 32;
    n = Math.floor(n / 32);
    out.push(DIGITS[n > 0 ? low + 32 : low] as string);
  } while (n > 0);
}

/** The last sample floats until it lies `spacingS` after the one before; at most `maxPoints` are kept. */
function referenceAppend(series: readonly Sample[], sample: Sample, spacingS: number, maxPoints: number): Sample[] {
  const out = [...series];
  const last = out.at(-1);
  const previous = out.at(-2);
  if (last && previous && last[0] - previous[0] < spacingS) out[out.length - 1] = sample;
  else out.push(sample);
  return out.slice(-maxPoints);
}

const scale = fc.constantFrom(1, 10, 100);
const sample = fc.tuple(
  fc.integer({ min: 1_700_000_000, max: 2_100_000_000 }),
  fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.constant(Number.NaN), fc.constant(2 ** 40 + 0.5)),
);

describe('packed series: the rewritten encoding agrees with the first one', () => {
  it('packs any series to the same string', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 30 }), scale, (samples, s) => {
        expect(packSeries(seriesOf(samples as Sample[]), s)).toBe(referencePack(samples as Sample[], s));
      }),
      { numRuns: 5_000 },
    );
  });

  it('unpacks any string, packed or not, to the same samples', () => {
    const packed = fc.array(sample, { maxLength: 30 }).map((samples) => referencePack(samples as Sample[]));
    const anyText = fc.oneof(packed, fc.string({ unit: fc.constantFrom(...DIGITS) }), fc.string({ unit: 'binary' }), packed.map((p) => `${p}${'é'}`));
    fc.assert(
      fc.property(fc.oneof(anyText, fc.constant(undefined)), scale, (text, s) => {
        expect(samplesOf(unpackSeries(text, s))).toEqual(referenceUnpack(text, s));
      }),
      { numRuns: 5_000 },
    );
  });

  it('appends to any string as unpack, the first append and pack do, and gives the samples', () => {
    // Series as the evaluator grows them (times a round apart, some rounds missing), then packed; and strings it never wrote.
    const grown = fc
      .record({ start: fc.integer({ min: 1_700_000_000, max: 2_000_000_000 }), steps: fc.array(fc.tuple(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: -5000, max: 5000 })), { maxLength: 40 }) })
      .map(({ start, steps }) => {
        let t = start;
        return steps.map(([dt, v]): Sample => [(t += dt), v]);
      });
    const packed = fc.oneof(
      fc.tuple(grown, scale).map(([samples, s]) => referencePack(samples, s)),
      fc.array(sample, { maxLength: 30 }).map((samples) => referencePack(samples as Sample[])),
      fc.string({ unit: fc.constantFrom(...DIGITS), maxLength: 60 }),
      fc.constantFrom('gA', 'AgA', 'g', 'AAA', '__________A', 'A'.repeat(3)),
      fc.constant(undefined),
    );
    const next = fc.tuple(fc.integer({ min: 1_700_000_000, max: 2_100_000_000 }), fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })));
    fc.assert(
      fc.property(packed, next, fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 30 }), scale, (text, x, spacingS, maxPoints, s) => {
        const expected = referenceAppend(referenceUnpack(text, s), x as Sample, spacingS, maxPoints);
        const got = appendPacked(text, x[0], x[1], { spacingS, points: maxPoints }, s);
        expect(samplesOf(got.series)).toEqual(expected);
        expect(got.packed).toBe(referencePack(expected, s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes a value too large for its delta to be finite as nothing, as it writes a NaN, instead of looping', () => {
    const t0 = 1_750_000_000;
    const nothing = packSeries(seriesOf([[t0, Number.NaN]]));
    expect(packSeries(seriesOf([[t0, 1e308]]))).toBe(nothing);
    expect(appendPacked(undefined, t0, -1e308, { spacingS: 60, points: 5 }).packed).toBe(nothing);
  });
});
