/**
 * A series packed into a short string: times in 10-s units and integer values (scaled
 * per series), first absolute then as deltas, each a zigzag varint written 5 bits to a
 * URL-safe character. A sample of a 1-minute series costs ~2 characters instead of ~12
 * as JSON numbers; that is what keeps the state item within one read unit.
 *
 * Every round unpacks, extends and repacks about a dozen of these, so the code works on
 * two arrays of plain numbers (not a pair per sample) and rewrites only the end of a
 * string it wrote itself.
 */
export type PackedSeries = string;

/** Times are kept to this many seconds. */
export const SERIES_TIME_UNIT_S = 10;

/** An unpacked series: sample `i` is `values[i]` at `times[i]` (epoch s). */
export interface Series {
  times: number[];
  values: number[];
}

/**
 * How a series grows: the last sample floats (each newer one replaces it) until it lies
 * `spacingS` after the one before; then it stays and the next is appended. At most
 * `points` (≥ 1) are kept, so the series spans about spacing × (points − 1).
 */
export interface SeriesShape {
  readonly spacingS: number;
  readonly points: number;
}

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each digit's value by character code (-1: not a digit). */
const DIGIT_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) DIGIT_VALUE[DIGITS.charCodeAt(i)] = i;
/** A digit with this bit set is followed by more digits of the same number. */
const MORE = 32;

/** Unpacks a series stored with `scale` (values were multiplied by it and rounded). */
export function unpackSeries(packed: PackedSeries | undefined, scale = 1): Series {
  return (packed ? scanSeries(packed, scale)?.series : undefined) ?? { times: [], values: [] };
}

/** Numbers this large could lose precision in a double on the way back; such a string is re-encoded in full. */
const EXACT_LIMIT = 2 ** 50;
/** Below this, t × SERIES_TIME_UNIT_S (< 2^53) is exact and divides back to t, so times need no round-trip test. */
const EXACT_TIME_LIMIT = 2 ** 49;

interface SeriesScan {
  series: Series;
  /** Where the last sample's pair of numbers starts in the string. */
  lastStart: number;
  /** Whether packSeries(series) gives the string back exactly: minimal digits, whole pairs, values that round-trip. */
  canonical: boolean;
}

/** The samples of a packed series; undefined when a character is not a digit. */
function scanSeries(packed: string, scale: number): SeriesScan | undefined {
  // Numbers alternate: a time delta, then a value delta; a trailing time without its value is dropped.
  // One pass over the characters with the number being read in locals: a cursor object
  // and a call per number cost about a third of the scan, which every round runs a dozen times.
  const times: number[] = [];
  const values: number[] = [];
  let canonical = true;
  let lastStart = 0;
  let pairStart = 0;
  let t = 0;
  let v = 0;
  let n = 0;
  let shift = 1;
  /** The pair's time number once it is read; -1 (never a zigzag number) while it is being read. */
  let timeNumber = -1;
  for (let i = 0; i < packed.length; i++) {
    const code = packed.charCodeAt(i);
    const d = code < 128 ? (DIGIT_VALUE[code] as number) : -1;
    if (d < 0) return undefined;
    n += (d & 31) * shift;
    if ((d & MORE) !== 0) {
      shift *= 32;
      continue;
    }
    // The encoder never ends a number of several digits with a zero digit.
    if (shift > 1 && ((d & 31) === 0 || !(n < EXACT_LIMIT))) canonical = false;
    if (timeNumber < 0) timeNumber = n;
    else {
      t += unzigzag(timeNumber);
      v += unzigzag(n);
      const time = t * SERIES_TIME_UNIT_S;
      const value = v / scale;
      if (!(Math.abs(t) < EXACT_TIME_LIMIT && Math.abs(v) < EXACT_LIMIT) || Math.round(value * scale) !== v) canonical = false;
      times.push(time);
      values.push(value);
      lastStart = pairStart;
      pairStart = i + 1;
      timeNumber = -1;
    }
    n = 0;
    shift = 1;
  }
  // The string ended inside a pair: the encoder writes whole pairs.
  if (pairStart < packed.length) canonical = false;
  return { series: { times, values }, lastStart, canonical };
}

function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

/** Where the `pair`th pair of numbers (from 0; at least 1) starts in a string of digits. */
function pairOffset(packed: string, pair: number): number {
  let numbers = 0;
  for (let i = 0; i < packed.length; i++) {
    if (((DIGIT_VALUE[packed.charCodeAt(i)] as number) & MORE) === 0 && ++numbers === 2 * pair) return i + 1;
  }
  return packed.length;
}

/**
 * Appends the sample (`time`, `value`) to the packed series as `shape` says, and gives
 * the series and its packed string (what packSeries gives for that series). A string this
 * code wrote keeps its digits up to the sample that floats (and loses its first pairs when
 * the oldest samples drop out); only the new end is encoded. Any other string is
 * re-encoded in full.
 */
export function appendPacked(packed: PackedSeries | undefined, time: number, value: number, shape: SeriesShape, scale = 1): { series: Series; packed: PackedSeries } {
  const scan = packed ? scanSeries(packed, scale) : undefined;
  const series = scan?.series ?? { times: [], values: [] };
  const { times, values } = series;
  const n = times.length;
  // The old samples kept are ..= lastOld; the new sample replaces a floating last one or comes after it.
  const lastOld = n >= 2 && (times[n - 1] as number) - (times[n - 2] as number) < shape.spacingS ? n - 2 : n - 1;
  times[lastOld + 1] = time;
  values[lastOld + 1] = value;
  const dropped = Math.max(0, lastOld + 2 - shape.points);
  // Usually one sample drops out; shift() takes it off without building an array of what is removed.
  for (let i = 0; i < dropped; i++) {
    times.shift();
    values.shift();
  }
  const length = times.length;
  if (!scan?.canonical || packed === undefined || length < 2) return { series, packed: packSeries(series, scale) };
  // The digits of the old samples kept: up to the floating one (if it was replaced), from the first kept.
  const end = lastOld + 1 < n ? scan.lastStart : packed.length;
  let head: string;
  if (dropped === 0) head = packed.slice(0, end);
  else {
    // The new first sample is written absolute; the deltas after it stay as they are.
    const next = length > 2 ? pairOffset(packed, dropped + 1) : end;
    head = packedNumber(Math.round((times[0] as number) / SERIES_TIME_UNIT_S)) + packedNumber(Math.round((values[0] as number) * scale)) + packed.slice(next, end);
  }
  const previousTime = times[length - 2] as number;
  const previousValue = values[length - 2] as number;
  const tail =
    packedNumber(Math.round(time / SERIES_TIME_UNIT_S) - Math.round(previousTime / SERIES_TIME_UNIT_S)) + packedNumber(Math.round(value * scale) - Math.round(previousValue * scale));
  return { series, packed: head + tail };
}

export function packSeries(series: Series, scale = 1): PackedSeries {
  const { times, values } = series;
  let out = '';
  let t = 0;
  let v = 0;
  for (let i = 0; i < times.length; i++) {
    const ti = Math.round((times[i] as number) / SERIES_TIME_UNIT_S);
    const vi = Math.round((values[i] as number) * scale);
    out += packedNumber(ti - t) + packedNumber(vi - v);
    t = ti;
    v = vi;
  }
  return out;
}

/** The digits of every zigzag number below 1024 (one or two digits): most deltas are. */
const SHORT_NUMBERS = Array.from({ length: 1024 }, (_, n) => (n < 32 ? DIGITS[n] : `${DIGITS[(n & 31) + MORE]}${DIGITS[n >> 5]}`) as string);
/** The low two digits of a larger number by its low 10 bits: both say more digits follow. */
const LOW_PAIRS = Array.from({ length: 1024 }, (_, n) => `${DIGITS[(n & 31) + MORE]}${DIGITS[(n >> 5) + MORE]}`);

function packedNumber(value: number): string {
  let n = value >= 0 ? 2 * value : -2 * value - 1;
  const short = SHORT_NUMBERS[n];
  if (short !== undefined) return short;
  // A NaN has no digit and writes nothing (as the array join this replaced did); nor does
  // an infinite delta (values near 1e308), which would otherwise never reach zero.
  if (!Number.isFinite(n)) return '';
  // An absolute time (~28 bits) is written in three steps of two digits rather than six of one.
  let out = '';
  while (n >= 1024) {
    out += LOW_PAIRS[n % 1024] as string;
    n = Math.floor(n / 1024);
  }
  return out + (SHORT_NUMBERS[n] as string);
}
