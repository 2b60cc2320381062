/**
 * Numbers as a person reads them: a few significant digits, never binary-float noise such
 * as `0.007980000000000001`, and no exponent for the small probabilities the model gives.
 */
export function significant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(digits));
  // toPrecision gives 1e-7 for tiny values; a plain decimal reads better and parses the same.
  if (Math.abs(rounded) < 1e-6) return rounded.toFixed(Math.min(20, digits - 1 - Math.floor(Math.log10(Math.abs(rounded)))));
  return String(rounded);
}

/** Milliseconds: whole ones from 10 ms up, one decimal below. */
export function milliseconds(ms: number): string {
  return ms >= 10 ? String(Math.round(ms)) : significant(ms, 2);
}
