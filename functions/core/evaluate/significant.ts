/**
 * `Number(x.toPrecision(digits))`, the rounding the evaluator applies to every value it
 * stores or reports, without the string round trip on the hot path (it ran several times
 * per signal per round and was ~5 % of an evaluation).
 *
 * Why it is the same number: n = round(|x| × 10^k) with k = digits − 1 − ⌊log10 |x|⌋ is
 * the digit string toPrecision writes. 10^k is exact for |k| ≤ 22, so the product is
 * off by at most half an ulp (≈ 1e-12 for 5 digits); unless its fraction is within 1e-7
 * of ½, rounding it gives the same n as the exact decimal expansion. n / 10^k (or
 * n × 10^−k) is then correctly rounded by IEEE division (multiplication), which is what
 * parsing the string gives. Near a tie, at the ends of the range, or when log10 lands on
 * the wrong side of a power of ten, it asks toPrecision. test/unit/significant.test.ts
 * checks it against toPrecision over arbitrary doubles.
 */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const TIE_MARGIN = 1e-7;

export function significant(x: number, digits: number): number {
  // toPrecision writes -0 as "0.000" and keeps NaN and ±Infinity.
  if (x === 0) return 0;
  if (!Number.isFinite(x)) return x;
  const a = Math.abs(x);
  const k = digits - 1 - Math.floor(Math.log10(a));
  if (k > 22 || k < -22) return Number(x.toPrecision(digits));
  const scaled = k >= 0 ? a * (POW10[k] as number) : a / (POW10[-k] as number);
  const fraction = scaled - Math.floor(scaled);
  if (scaled < (POW10[digits - 1] as number) || scaled >= (POW10[digits] as number) || Math.abs(fraction - 0.5) < TIE_MARGIN) {
    return Number(x.toPrecision(digits));
  }
  const n = Math.round(scaled);
  const r = k >= 0 ? n / (POW10[k] as number) : n * (POW10[-k] as number);
  return x < 0 ? -r : r;
}
