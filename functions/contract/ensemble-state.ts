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
import type { PackedSeries } from './packed-series.ts';

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
