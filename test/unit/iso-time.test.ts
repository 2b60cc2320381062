import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../functions/core/evaluate/iso-time.ts';

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
