/**
 * Lines fitted to a series, in the style of Prometheus's `predict_linear`: a least-squares
 * line over a time window, read at "now" (the fitted value, not the last sample) and
 * extrapolated to a limit. Two tiers, as node-mixin's fd and disk alerts do it:
 *
 * - long: a long window and horizon, only once the current level is past a gate (a
 *   daily cycle that never gets near the limit never forecasts doom);
 * - short: a short window and a horizon within the hour, no gate (a fast leak is caught
 *   from any level), but only when the line really fits (R² ≥ minFit): a step, such as
 *   clients moving over from a restarted peer, is not a trend.
 *
 * Either tier speaks only while the rise goes on (the window's last third still climbs).
 *
 * `robustLine` (Theil–Sen) is for noisy per-interval values such as latencies: one slow
 * round moves a least-squares line a lot and the median of pairwise slopes hardly at all.
 */
import type { Series } from '../../contract/packed-series.ts';
import { median } from './median.ts';

export interface Line {
  /** Units per hour. */
  slope: number;
  /** The line's value at `at` (epoch seconds). */
  value: number;
  /** Coefficient of determination (1 for a perfect line; 1 too for a flat series with no variance). */
  r2: number;
  /** Samples used and the time they span (s). */
  points: number;
  spanS: number;
}

export interface ForecastSettings {
  longWindowMinutes: number;
  /** Fraction of the limit the fitted value must have reached for the long tier. */
  gateFraction: number;
  shortWindowMinutes: number;
  /** The short tier reports only when the limit is this close. */
  shortHorizonMinutes: number;
  /** Smallest R² of the short tier's line. */
  minFit: number;
}

export interface Forecast {
  tier: 'long' | 'short';
  /** Hours until the fitted line reaches the limit (0 when already there). */
  hours: number;
  /** The fitted value now, the limit, and the slope per hour. */
  current: number;
  limit: number;
  perHour: number;
}

const HOUR_S = 3600;
/** A line needs this many samples, spanning at least a third of its window. */
export const MIN_LINE_POINTS = 4;

/** Least squares over the samples within `windowS` before `at`; undefined when too few or too short. */
export function leastSquares(series: Series, at: number, windowS: number): Line | undefined {
  // The samples in the window, in order, without building the filtered arrays (up to four fits per forecast, every round).
  const { times, values } = series;
  const from = at - windowS - 1;
  let n = 0;
  let firstIndex = 0;
  let lastIndex = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i] as number;
    if (!(t > from && t <= at)) continue;
    if (n === 0) firstIndex = i;
    lastIndex = i;
    n++;
    mx += (t - at) / HOUR_S;
    my += values[i] as number;
  }
  if (n < MIN_LINE_POINTS) return undefined;
  const spanS = (times[lastIndex] as number) - (times[firstIndex] as number);
  if (spanS < windowS / 3) return undefined;
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  // The second pass visits only the stretch from the first sample in the window to the last: in a series in time order, just the window.
  for (let i = firstIndex; i <= lastIndex; i++) {
    const t = times[i] as number;
    if (!(t > from && t <= at)) continue;
    const dx = (t - at) / HOUR_S - mx;
    const dy = (values[i] as number) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return undefined;
  const slope = sxy / sxx;
  const value = my - slope * mx;
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  if (!Number.isFinite(slope) || !Number.isFinite(value)) return undefined;
  return { slope, value, r2, points: n, spanS };
}

/** Theil–Sen: the median of pairwise slopes, and the median intercept, read at `at`. */
export function robustLine(series: Series, at: number, windowS: number): Line | undefined {
  const { times, values } = within(series, at, windowS);
  const n = times.length;
  if (n < MIN_LINE_POINTS || (times[n - 1] as number) - (times[0] as number) < windowS / 3) return undefined;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dt = (times[j] as number) - (times[i] as number);
      if (dt > 0) slopes.push((((values[j] as number) - (values[i] as number)) / dt) * HOUR_S);
    }
  }
  if (slopes.length === 0) return undefined;
  const slope = median(slopes);
  const value = median(values.map((v, i) => v - (slope * ((times[i] as number) - at)) / HOUR_S));
  return { slope, value, r2: Number.NaN, points: n, spanS: (times[n - 1] as number) - (times[0] as number) };
}

/** The samples of the `windowS` (plus a second) that end at `at`. */
function within(series: Series, at: number, windowS: number): Series {
  const out: Series = { times: [], values: [] };
  for (let i = 0; i < series.times.length; i++) {
    const t = series.times[i] as number;
    if (t > at - windowS - 1 && t <= at) {
      out.times.push(t);
      out.values.push(series.values[i] as number);
    }
  }
  return out;
}

/**
 * Time to `limit` from the long series (gated) and the short series (ungated, fitted
 * well, close); the nearer of the tiers that apply, or undefined when neither does.
 */
export function timeToLimit(long: Series, short: Series, at: number, limit: number, s: ForecastSettings): Forecast | undefined {
  const candidates: Forecast[] = [];
  const longLine = leastSquares(long, at, s.longWindowMinutes * 60);
  if (longLine && longLine.value >= s.gateFraction * limit && stillRising(long, at, s.longWindowMinutes * 60, longLine)) {
    const f = toLimit('long', longLine, limit);
    if (f) candidates.push(f);
  }
  const shortLine = leastSquares(short, at, s.shortWindowMinutes * 60);
  if (shortLine && shortLine.r2 >= s.minFit && stillRising(short, at, s.shortWindowMinutes * 60, shortLine)) {
    const f = toLimit('short', shortLine, limit);
    if (f && f.hours * 60 <= s.shortHorizonMinutes) candidates.push(f);
  }
  return candidates.sort((a, b) => a.hours - b.hours)[0];
}

/**
 * The rise has not stopped: the last third of the window still climbs at least half as
 * fast as the whole line. A connection pool that opened 20 connections over a few minutes
 * and stopped, or fds that stepped up and stayed, fit a rising line but are not heading
 * for the limit. Too few recent samples to tell: taken as rising.
 */
function stillRising(series: Series, at: number, windowS: number, line: Line): boolean {
  const recent = leastSquares(series, at, windowS / 3);
  return recent === undefined || recent.slope >= RECENT_SLOPE_SHARE * line.slope;
}

/** How much of the whole line's slope the recent third must keep. */
export const RECENT_SLOPE_SHARE = 0.5;

function toLimit(tier: Forecast['tier'], line: Line, limit: number): Forecast | undefined {
  if (!(line.slope > 0)) return undefined;
  const hours = Math.max(0, (limit - line.value) / line.slope);
  return { tier, hours, current: line.value, limit, perHour: line.slope };
}
