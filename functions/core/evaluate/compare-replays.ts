/**
 * The difference between two backtests of the same rounds (thresholds A and B): alert
 * episodes only one of them raised, and episodes both raised at different times. Two
 * episodes are the same alert when they share ensemble and alert key and their firing
 * intervals overlap; each episode pairs at most once, earliest first.
 */
import type { AlertEpisode } from './replay.ts';

export interface TimingDifference {
  a: AlertEpisode;
  b: AlertEpisode;
  /** B's firing time minus A's (positive: B fired later). */
  firedDeltaMs: number;
  /** B's resolve time minus A's; absent when either is still open. */
  resolvedDeltaMs?: number;
}

export interface ReplayComparison {
  onlyInA: AlertEpisode[];
  onlyInB: AlertEpisode[];
  differentTiming: TimingDifference[];
  /** Episodes both raised at the same times. */
  same: number;
}

export function compareEpisodes(a: readonly AlertEpisode[], b: readonly AlertEpisode[]): ReplayComparison {
  const unpaired = new Set(b);
  const out: ReplayComparison = { onlyInA: [], onlyInB: [], differentTiming: [], same: 0 };
  for (const episode of [...a].sort(byFiring)) {
    const match = [...unpaired].sort(byFiring).find((other) => sameAlert(episode, other) && overlaps(episode, other));
    if (!match) {
      out.onlyInA.push(episode);
      continue;
    }
    unpaired.delete(match);
    const firedDeltaMs = Date.parse(match.firedAt) - Date.parse(episode.firedAt);
    const resolvedDeltaMs = episode.resolvedAt && match.resolvedAt ? Date.parse(match.resolvedAt) - Date.parse(episode.resolvedAt) : undefined;
    const bothOpen = episode.resolvedAt === undefined && match.resolvedAt === undefined;
    if (firedDeltaMs === 0 && (resolvedDeltaMs === 0 || bothOpen)) {
      out.same++;
      continue;
    }
    out.differentTiming.push({ a: episode, b: match, firedDeltaMs, ...(resolvedDeltaMs === undefined ? {} : { resolvedDeltaMs }) });
  }
  out.onlyInB = [...unpaired].sort(byFiring);
  return out;
}

function sameAlert(x: AlertEpisode, y: AlertEpisode): boolean {
  return x.ensembleName === y.ensembleName && x.alertKey === y.alertKey;
}

function overlaps(x: AlertEpisode, y: AlertEpisode): boolean {
  const end = (e: AlertEpisode) => (e.resolvedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(e.resolvedAt));
  return Date.parse(x.firedAt) <= end(y) && Date.parse(y.firedAt) <= end(x);
}

function byFiring(x: AlertEpisode, y: AlertEpisode): number {
  return Date.parse(x.firedAt) - Date.parse(y.firedAt) || x.alertKey.localeCompare(y.alertKey);
}
