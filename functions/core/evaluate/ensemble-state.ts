/**
 * `EnsembleState`: what the evaluator remembers about one ensemble between rounds. It is
 * one DynamoDB item (≤ 400 KB), read and conditionally written once per round, so every
 * list in it is bounded: 5 servers stay well under 50 KB.
 */
import type { AlertLevel, AlertName, AlertStatus } from './transition.ts';
import type { ZnodeDigest } from './znode-conditions.ts';

export const ENSEMBLE_STATE_VERSION = 1 as const;

/** Round ids remembered for idempotency; older redeliveries are caught by `lastRoundAt`. */
export const MAX_ROUND_IDS = 20;
/** Trend history: this many samples, at least this far apart, so the window spans ~2 h. */
export const HISTORY_POINTS = 24;
export const HISTORY_SPACING_MS = 5 * 60_000;
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

/** Exponentially weighted mean and deviation of one signal on one server. */
export interface Baseline {
  mean: number;
  dev: number;
  /** Rounds learned (capped once warm). */
  n: number;
}

/** `[epoch seconds, value]` samples of one series. */
export type Sample = [number, number];

export interface EnsembleState {
  stateVersion: typeof ENSEMBLE_STATE_VERSION;
  ensembleName: string;
  /** By alert key (`server-down:127.0.0.1:2181`, `early-warning`). */
  alerts: Record<string, AlertRecord>;
  /** By `<server or *>|<signal>`. */
  baselines: Record<string, Baseline>;
  /** By `<server or *>|<series>`, each at most HISTORY_POINTS samples. */
  history: Record<string, Sample[]>;
  /** Times (ISO) of epoch increases, newest last, at most MAX_ELECTIONS. */
  elections: string[];
  lastEpoch?: number;
  /** Consecutive rounds that showed two or more leaders (two make the alarm). */
  multiLeaderRounds: number;
  /** Last round's noisy-OR warning probability. */
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
    baselines: {},
    history: {},
    elections: [],
    multiLeaderRounds: 0,
    lastRoundIds: [],
  };
}

export function seriesKey(server: string | undefined, name: string): string {
  return `${server ?? '*'}|${name}`;
}

/**
 * Appends a sample. The last sample floats (each newer one replaces it) until it lies
 * HISTORY_SPACING_MS after the one before; then it stays and the next is appended.
 */
export function appendSample(series: readonly Sample[] | undefined, sample: Sample): Sample[] {
  const out = [...(series ?? [])];
  const last = out.at(-1);
  const previous = out.at(-2);
  if (last && previous && (last[0] - previous[0]) * 1000 < HISTORY_SPACING_MS) out[out.length - 1] = sample;
  else out.push(sample);
  return out.slice(-HISTORY_POINTS);
}
