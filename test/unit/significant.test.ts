import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { significant } from '../../functions/core/evaluate/significant.ts';

const reference = (x: number, digits: number) => Number(x.toPrecision(digits));

describe('significant digits without the string round trip', () => {
  it('is Number(x.toPrecision(d)) for any double, d = 3, 4, 5', () => {
    fc.assert(
      fc.property(fc.double(), fc.constantFrom(3, 4, 5), (x, digits) => {
        expect(Object.is(significant(x, digits), reference(x, digits))).toBe(true);
      }),
      { numRuns: 50_000 },
    );
  });

  it('agrees on values the evaluator rounds: probabilities, rates, latencies, counts', () => {
    const values = fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.double({ min: 1e-12, max: 1e-3, noNaN: true }),
      fc.integer({ min: -1e7, max: 1e7 }).map((n) => n / 8),
      fc.integer({ min: 0, max: 2 ** 32 }),
    );
    fc.assert(
      fc.property(values, fc.constantFrom(4, 5), (x, digits) => {
        expect(Object.is(significant(x, digits), reference(x, digits))).toBe(true);
      }),
      { numRuns: 50_000 },
    );
  });

  it('agrees on ties, powers of ten and the ends of the range', () => {
    const cases = [0, -0, 1, -1, 0.5, 1.0005, 1.00005, 0.00125, 12345, 123455, 99995, 9999.5, 999.95, 0.99995, 1e-7, 1e21, 1e22, 1e23, 1e-22, 1e-23, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, Number.NaN, Infinity, -Infinity];
    for (const p of [-30, -22, -21, -5, -1, 0, 1, 5, 21, 22, 30]) {
      const ten = Number(`1e${p}`);
      cases.push(ten, ten * (1 + Number.EPSILON), ten * (1 - Number.EPSILON / 2), 9.9995 * ten, 1.2345 * ten, 1.23455 * ten);
    }
    for (const x of cases) for (const digits of [3, 4, 5]) expect([x, digits, significant(x, digits)]).toEqual([x, digits, reference(x, digits)]);
  });
});
