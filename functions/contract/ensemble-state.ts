/**
 * `EnsembleState`: what the evaluator remembers about one ensemble between rounds. It is
 * one DynamoDB item, read and conditionally written once per round; a calm 3-server
 * ensemble's item stays under 4 KB (one read unit, `npm run bench:evaluator` prints it),
 * so the memory is compact: series are packed integer deltas, keys are short, and only
 * signals that read P keep a baseline.
 *
 * History: 1 the first (round-count history of samples, a baseline per signal, one
 * `early-warning` alert); 2 per-server memory (counters for per-interval values, packed
 * forecast series at two resolutions, time-based baselines) and one warning per cause.
 * `read-ensemble-state.ts` upgrades a stored 1 and refuses anything else it cannot read.
 */
import type { AlertLevel, AlertName, AlertStatus } from './transition.ts';
import type { ZnodeDataDigest } from './probe-round.ts';

/** What the evaluator keeps of a watched znode's data to tell a change from the last round. */
export type ZnodeDigest = Pick<ZnodeDataDigest, 'version' | 'sha256' | 'keyHashes' | 'mtime'>;

export const ENSEMBLE_STATE_VERSION = 2 as const;

/** Round ids remembered for idempotency; older redeliveries are caught by `lastRoundAt`. */
export const MAX_ROUND_IDS = 5;
/** Election times kept: enough to count elections per hour well past any sane threshold. */
export const MAX_ELECTIONS = 20;

/** One alert's lifecycle. Alerts that are `ok` are not stored. */
export interface AlertRecord {
  alertKey: string;
  alertName: AlertName;
  level: AlertLevel;
  server?: string;
  status: Exclude<AlertStatus, 'ok'>;
  /** When the alert entered its current status (ISO). */
  since: string;
  /** Consecutive rounds the condition has been raised (counts towards forRounds). */
  pendingRounds: number;
  /** Whether a person has been told about this episode (a notified `fired` or reminder). */
  notified: boolean;
  lastNotifiedAt?: string;
  summary: string;
  silencedBy?: string;
  inhibitedBy?: string;
}

/** A signal's baseline: exponentially weighted `[mean, deviation, seconds learned]`. */
export type Baseline = [number, number, number];

/**
 * A series packed into a short string: times in 10-s units and integer values (scaled
 * per series), first absolute then as deltas, each a zigzag varint written 5 bits to a
 * URL-safe character. A sample of a 1-minute series costs ~2 characters instead of ~12
 * as JSON numbers; that is what keeps the state item within one read unit.
 */
export type PackedSeries = string;
/**
 * What the evaluator remembers of one server (or `*`, the ensemble) between rounds.
 * `k`: last round's time (epoch s), cumulative counters, a restart's time (`rt`, while settling) and smoothed rates by short name (see
 * signals.ts COUNTERS); `s`: packed series by code; `ip`: the client IP the `i`/`I`
 * series follow; `b`: baselines by signal.
 */
export interface ServerMemory {
  k?: Record<string, number>;
  s?: Record<string, PackedSeries>;
  ip?: string;
  b?: Record<string, Baseline>;
}

export interface EnsembleState {
  stateVersion: typeof ENSEMBLE_STATE_VERSION;
  ensembleName: string;
  /** By alert key (`server-down:127.0.0.1:2181`, `early-warning:fd-exhaustion-hours:127.0.0.1:2181`). */
  alerts: Record<string, AlertRecord>;
  /** By server address, or `*` for the ensemble. Servers no longer probed are dropped. */
  mem: Record<string, ServerMemory>;
  /** Times (ISO) of epoch increases, newest last, at most MAX_ELECTIONS. */
  elections: string[];
  lastEpoch?: number;
  /** Consecutive rounds that showed two or more leaders (two make the alarm). */
  multiLeaderRounds: number;
  /** Last round's noisy-OR warning probability: the ensemble's summary figure (warnings are per cause). */
  lastProbability?: number;
  lastRoundIds: string[];
  /** `startedAt` of the newest round evaluated. */
  lastRoundAt?: string;
  /** Estimated time between rounds. */
  intervalMs?: number;
  /** Configuration znodes' last digests by rule id (no content), to notice changes. */
  znodeDigests?: Record<string, ZnodeDigest>;
}

export function initialState(ensembleName: string): EnsembleState {
  return {
    stateVersion: ENSEMBLE_STATE_VERSION,
    ensembleName,
    alerts: {},
    mem: {},
    elections: [],
    multiLeaderRounds: 0,
    lastRoundIds: [],
  };
}

/** `[epoch seconds, value]` samples of one series, unpacked. */
export type Sample = [number, number];

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each digit's value by character code (-1: not a digit). */
const DIGIT_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) DIGIT_VALUE[DIGITS.charCodeAt(i)] = i;
/** Times are kept to this many seconds. */
export const SERIES_TIME_UNIT_S = 10;

/** Unpacks a series stored with `scale` (values were multiplied by it and rounded). */
export function unpackSeries(packed: PackedSeries | undefined, scale = 1): Sample[] {
  return packed ? (scanSeries(packed, scale)?.samples ?? []) : [];
}

/** Numbers this large could lose precision in a double on the way back; such a string is re-encoded in full. */
const EXACT_LIMIT = 2 ** 50;

interface SeriesScan {
  samples: Sample[];
  /** Where each sample's pair of numbers starts in the string (when canonical). */
  starts: number[];
  /** Whether packSeries(samples) gives the string back exactly: minimal digits, whole pairs, values that round-trip. */
  canonical: boolean;
}

/** The samples of a packed series; undefined when a character is not a digit. */
function scanSeries(packed: string, scale: number): SeriesScan | undefined {
  // Numbers alternate: a time delta, then a value delta; a trailing time without its value is dropped.
  const samples: Sample[] = [];
  const starts: number[] = [];
  let canonical = true;
  let t = 0;
  let v = 0;
  let isTime = true;
  let n = 0;
  let shift = 1;
  for (let i = 0; i < packed.length; i++) {
    const code = packed.charCodeAt(i);
    const d = code < 128 ? (DIGIT_VALUE[code] as number) : -1;
    if (d < 0) return undefined;
    if (isTime && shift === 1) starts.push(i);
    n += (d & 31) * shift;
    if (d & 32) {
      shift *= 32;
      continue;
    }
    // The encoder never ends a number of several digits with a zero digit.
    if (shift > 1 && (d & 31) === 0) canonical = false;
    const delta = n % 2 === 0 ? n / 2 : -(n + 1) / 2;
    if (isTime) t += delta;
    else {
      v += delta;
      const sample: Sample = [t * SERIES_TIME_UNIT_S, v / scale];
      const exact = Math.abs(t) < EXACT_LIMIT && Math.abs(v) < EXACT_LIMIT;
      if (!exact || Math.round(sample[0] / SERIES_TIME_UNIT_S) !== t || Math.round(sample[1] * scale) !== v) canonical = false;
      samples.push(sample);
    }
    if (!(n < EXACT_LIMIT)) canonical = false;
    isTime = !isTime;
    n = 0;
    shift = 1;
  }
  if (!isTime || shift > 1) canonical = false;
  return { samples, starts, canonical };
}

/**
 * `packSeries(appendSample(unpackSeries(packed, scale), sample, spacingS, maxPoints), scale)`
 * and the samples, without re-encoding what did not change: a string this code wrote keeps
 * its digits up to the sample that floats (and loses its first pair when the oldest sample
 * drops out); only the new end is encoded. Any other string is re-encoded in full.
 */
export function appendPacked(packed: PackedSeries | undefined, sample: Sample, spacingS: number, maxPoints: number, scale = 1): { samples: Sample[]; packed: PackedSeries } {
  const scan = packed ? scanSeries(packed, scale) : undefined;
  const before = scan?.samples ?? [];
  const samples = appendSample(before, sample, spacingS, maxPoints);
  if (!scan?.canonical || packed === undefined || samples.length < 2) return { samples, packed: packSeries(samples, scale) };
  // samples: before[dropped ..= lastOld], then `sample` (which replaced before's last or came after it).
  const n = before.length;
  const lastOld = n >= 2 && (before[n - 1] as Sample)[0] - (before[n - 2] as Sample)[0] < spacingS ? n - 2 : n - 1;
  const dropped = lastOld + 2 - samples.length;
  if (dropped < 0 || lastOld < dropped) return { samples, packed: packSeries(samples, scale) };
  const end = lastOld + 1 < n ? (scan.starts[lastOld + 1] as number) : packed.length;
  let head: string;
  if (dropped === 0) head = packed.slice(0, end);
  else {
    // The new first sample is written absolute; the deltas after it stay as they are.
    const first = before[dropped] as Sample;
    const next = dropped < lastOld ? (scan.starts[dropped + 1] as number) : end;
    head = packedNumber(Math.round(first[0] / SERIES_TIME_UNIT_S)) + packedNumber(Math.round(first[1] * scale)) + packed.slice(next, end);
  }
  const last = before[lastOld] as Sample;
  const tail =
    packedNumber(Math.round(sample[0] / SERIES_TIME_UNIT_S) - Math.round(last[0] / SERIES_TIME_UNIT_S)) + packedNumber(Math.round(sample[1] * scale) - Math.round(last[1] * scale));
  return { samples, packed: head + tail };
}

export function packSeries(samples: readonly Sample[], scale = 1): PackedSeries {
  let out = '';
  let t = 0;
  let v = 0;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as Sample;
    const ti = Math.round(sample[0] / SERIES_TIME_UNIT_S);
    const vi = Math.round(sample[1] * scale);
    out += packedNumber(ti - t) + packedNumber(vi - v);
    t = ti;
    v = vi;
  }
  return out;
}

/** The digits of every zigzag number below 1024 (one or two digits): most deltas are. */
const SHORT_NUMBERS = Array.from({ length: 1024 }, (_, n) => (n < 32 ? DIGITS[n] : `${DIGITS[(n & 31) + 32]}${DIGITS[n >> 5]}`) as string);

function packedNumber(value: number): string {
  let n = value >= 0 ? 2 * value : -2 * value - 1;
  const short = SHORT_NUMBERS[n];
  if (short !== undefined) return short;
  let out = '';
  do {
    const low = n % 32;
    n = Math.floor(n / 32);
    // A NaN has no digit and writes nothing (as the array join this replaced did).
    out += DIGITS[n > 0 ? low + 32 : low] ?? '';
  } while (n > 0);
  return out;
}

/**
 * Appends a sample. The last sample floats (each newer one replaces it) until it lies
 * `spacingS` after the one before; then it stays and the next is appended. At most
 * `maxPoints` are kept, so the series spans about spacing × (maxPoints − 1).
 */
export function appendSample(series: readonly Sample[] | undefined, sample: Sample, spacingS: number, maxPoints: number): Sample[] {
  const out = [...(series ?? [])];
  const last = out.at(-1);
  const previous = out.at(-2);
  if (last && previous && last[0] - previous[0] < spacingS) out[out.length - 1] = sample;
  else out.push(sample);
  return out.slice(-maxPoints);
}
