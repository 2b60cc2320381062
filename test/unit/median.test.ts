import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median } from '../../functions/core/evaluate/median.ts';

function referenceMedian(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

describe('median', () => {
  it('is the middle of the sorted numbers, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('gives what sorting with (a, b) => a - b gives, bit for bit, for any numbers (zeros of both signs, NaN and infinities included)', () => {
    const number = fc.oneof(fc.double(), fc.integer({ min: -5, max: 5 }), fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity));
    fc.assert(
      fc.property(fc.array(number, { maxLength: 60 }), (xs) => {
        const before = [...xs];
        expect(Object.is(median(xs), referenceMedian(xs))).toBe(true);
        expect(xs).toEqual(before);
      }),
      { numRuns: 20_000 },
    );
  });
});
