/**
 * `Number(x.toPrecision(digits))`, the rounding the evaluator applies to every value it
 * stores or reports, without the string round trip on the hot path (it ran several times
 * per signal per round and was ~5 % of an evaluation).
 *
 * Why it is the same number: n = round(|x| × 10^k) with k = digits − 1 − ⌊log10 |x|⌋ is
 * the digit string toPrecision writes. ⌊log10 |x|⌋ is ⌊e × log10 2⌋ or one more, e the
 * binary exponent (read from the bits: Math.log10 cost a third of the routine). 10^k is exact for |k| ≤ 22, so the product is
 * off by at most half an ulp (≈ 1e-12 for 5 digits); unless its fraction is within 1e-7
 * of ½, rounding it gives the same n as the exact decimal expansion. n / 10^k (or
 * n × 10^−k) is then correctly rounded by IEEE division (multiplication), which is what
 * parsing the string gives. Near a tie, at the ends of the range, or when the exponent
 * still lands on the wrong side of a power of ten, it asks toPrecision. test/unit/significant.test.ts
 * checks it against toPrecision over arbitrary doubles.
 */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const TIE_MARGIN = 1e-7;
const LOG10_2 = Math.LOG10E * Math.LN2;
const BITS = new Float64Array(1);
/** The sign, exponent and top of the mantissa on a little-endian machine (anywhere else the estimate is off and toPrecision answers). */
const HIGH_WORD = new Uint32Array(BITS.buffer, 4, 1);

export function significant(x: number, digits: number): number {
  // toPrecision writes -0 as "0.000" and keeps NaN and ±Infinity.
  if (x === 0) return 0;
  if (!Number.isFinite(x)) return x;
  const a = Math.abs(x);
  // Small whole numbers (counts, gauges) already have at most `digits` digits.
  if (a < (POW10[digits] as number) && Number.isInteger(a)) return x;
  BITS[0] = a;
  const binaryExponent = (((HIGH_WORD[0] as number) >>> 20) & 0x7ff) - 1023;
  let k = digits - 1 - Math.floor(binaryExponent * LOG10_2);
  let scaled = scale(a, k);
  if (scaled >= (POW10[digits] as number)) scaled = scale(a, --k);
  if (!(k <= 22 && k >= -22)) return Number(x.toPrecision(digits));
  const fraction = scaled - Math.floor(scaled);
  if (scaled < (POW10[digits - 1] as number) || scaled >= (POW10[digits] as number) || Math.abs(fraction - 0.5) < TIE_MARGIN) {
    return Number(x.toPrecision(digits));
  }
  const n = Math.round(scaled);
  const r = k >= 0 ? n / (POW10[k] as number) : n * (POW10[-k] as number);
  return x < 0 ? -r : r;
}

/** a × 10^k for |k| ≤ 22 (NaN otherwise, which the caller sends to toPrecision). */
function scale(a: number, k: number): number {
  return k >= 0 ? a * (POW10[k] ?? Number.NaN) : a / (POW10[-k] ?? Number.NaN);
}
