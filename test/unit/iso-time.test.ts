import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime, parseIsoTime } from '../../functions/core/evaluate/iso-time.ts';

const reference = (ms: number): string => new Date(ms).toISOString();

describe('ISO timestamps without toISOString on the hot path', () => {
  it('is new Date(ms).toISOString() for any time value 1970–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(isoTime(ms)).toBe(reference(ms));
      }),
      { numRuns: 100_000 },
    );
  });

  it('is the same for times toISOString writes otherwise: before 1970, six-digit years, fractions', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true })), (ms) => {
        expect(isoTime(ms)).toBe(reference(ms));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees at the edges: days, leap days, centuries, the year 10000', () => {
    const edges = ['1970-01-01T00:00:00.000Z', '1972-02-29T23:59:59.999Z', '2000-02-29T12:00:00.000Z', '2100-03-01T00:00:00.000Z', '2400-02-29T00:00:00.000Z', '9999-12-31T23:59:59.999Z'];
    for (const text of edges) {
      const ms = Date.parse(text);
      for (const d of [-1, 0, 1]) expect(isoTime(ms + d)).toBe(reference(ms + d));
    }
    expect(isoTime(Date.parse('9999-12-31T23:59:59.999Z') + 1)).toBe('+010000-01-01T00:00:00.000Z');
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});

/** Same-valued results: NaN is not equal to itself. */
const sameParse = (text: string): void => {
  expect(Object.is(parseIsoTime(text), Date.parse(text))).toBe(true);
};

describe('ISO timestamps read without Date.parse on the hot path', () => {
  it('is Date.parse for everything isoTime writes, 1970–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(parseIsoTime(isoTime(ms))).toBe(ms);
        sameParse(isoTime(ms));
      }),
      { numRuns: 100_000 },
    );
  });

  it('is Date.parse for any text of that shape, real date or not (Feb 30, hour 24, second 60, year 0000, signs and letters)', () => {
    const padded = (max: number, width: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, '0'));
    const numbers = fc.tuple(padded(9999, 4), padded(13, 2), padded(32, 2), padded(25, 2), padded(61, 2), padded(61, 2), padded(999, 3));
    const char = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...'0123456789') }, fc.constantFrom('-', '+', ' ', 'a', ':', '.', 'T', 'Z'));
    const field = (n: number) => fc.array(char, { minLength: n, maxLength: n }).map((c) => c.join(''));
    const junk = fc.tuple(field(4), field(2), field(2), field(2), field(2), field(2), field(3));
    const text = fc.oneof(numbers, junk).map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
    fc.assert(fc.property(text, sameParse), { numRuns: 100_000 });
  });

  it('is Date.parse for other forms and garbage', () => {
    for (const text of ['2026-03-01T00:00:00Z', '2026-03-01', '2026-03-01T00:00:00.000+01:00', '+010000-01-01T00:00:00.000Z', '2026-02-29T00:00:00.000Z', '2024-02-29T23:59:59.999Z', '', 'x']) sameParse(text);
    fc.assert(fc.property(fc.string({ maxLength: 30 }), sameParse), { numRuns: 20_000 });
  });
});
