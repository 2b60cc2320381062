/**
 * The signals the warning model knows: their names, units, which way is worse and their
 * default warning curve. The thresholds document may only name signals listed here.
 */
export const SignalNames = [
  'latency-avg',
  'latency-max',
  'outstanding-requests',
  'pending-syncs',
  'fd-use',
  'connections-use',
  'znode-growth',
  'watch-growth',
  'data-size-growth',
  'fsync-exceed-rate',
  'elections-per-hour',
  'zxid-lag',
  'canary-connect-ms',
  'canary-write-ms',
  'canary-read-ms',
  'fd-exhaustion-hours',
  'zxid-rollover-hours',
] as const;
export type SignalName = (typeof SignalNames)[number];

/**
 * How a signal's risk r is made from W (near the operator's threshold) and P (unusual
 * for this server): `w` r=W; `p` r=P; `p*w` r=P·W (matters only when both high and
 * unusual); `max` r=max(W,P); `off` the signal is ignored.
 */
export const SignalModes = ['w', 'p', 'p*w', 'max', 'off'] as const;
export type SignalMode = (typeof SignalModes)[number];

/** Most signals are worse when higher; forecasts (hours left) are worse when lower. */
export type Direction = 'higher-is-worse' | 'lower-is-worse';

export interface SignalThreshold {
  /** Value at which W = 0.5. */
  nu: number;
  /** Softness of W: how far from ν the risk goes from 27% to 73% (one τ either side). */
  tau: number;
  mode: SignalMode;
  /** Smallest σ the baseline may use, in the signal's unit, so a flat signal does not make every wobble "unusual". */
  sigmaFloor: number;
}

export interface SignalDefinition {
  unit: string;
  direction: Direction;
  /** Per server, or one value for the whole ensemble. */
  scope: 'server' | 'ensemble';
  meaning: string;
  defaults: SignalThreshold;
}

/**
 * Defaults are chosen so a healthy ensemble's values sit at least ~8τ on the safe side of ν:
 * dozens of signals are combined by noisy-OR, so each must contribute well under 1% when calm.
 */
export const SIGNAL_CATALOG: Record<SignalName, SignalDefinition> = {
  'latency-avg': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'server',
    meaning: 'average request latency the server reports (zk_avg_latency)',
    defaults: { nu: 50, tau: 5, mode: 'w', sigmaFloor: 1 },
  },
  'latency-max': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'server',
    meaning: 'maximum request latency since the counters were last reset (zk_max_latency); spiky, so it also has to be unusual',
    defaults: { nu: 2000, tau: 200, mode: 'p*w', sigmaFloor: 10 },
  },
  'outstanding-requests': {
    unit: 'requests',
    direction: 'higher-is-worse',
    scope: 'server',
    meaning: 'requests queued in the server (zk_outstanding_requests)',
    defaults: { nu: 50, tau: 5, mode: 'w', sigmaFloor: 1 },
  },
  'pending-syncs': {
    unit: 'syncs',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    meaning: "syncs the leader has not answered yet (leader's zk_pending_syncs)",
    defaults: { nu: 10, tau: 1.5, mode: 'w', sigmaFloor: 1 },
  },
  'fd-use': {
    unit: 'fraction',
    direction: 'higher-is-worse',
    scope: 'server',
    meaning: 'open file descriptors as a fraction of the limit (zk_open_file_descriptor_count / zk_max_file_descriptor_count)',
    defaults: { nu: 0.85, tau: 0.04, mode: 'w', sigmaFloor: 0.01 },
  },
  'connections-use': {
    unit: 'fraction',
    direction: 'higher-is-worse',
    scope: 'server',
    meaning:
      'client connections as a fraction of maxClientCnxns (a per-client-IP limit; exact when clients share one address, an overestimate otherwise); no value when maxClientCnxns is 0 (unlimited)',
    defaults: { nu: 0.75, tau: 0.05, mode: 'w', sigmaFloor: 0.01 },
  },
  'znode-growth': {
    unit: 'znodes/h',
    direction: 'higher-is-worse',
    scope: 'server',
    meaning: 'trend of zk_znode_count per hour (least squares over the history window)',
    defaults: { nu: 10_000, tau: 1_000, mode: 'p*w', sigmaFloor: 10 },
  },
  'watch-growth': {
    unit: 'watches/h',
    direction: 'higher-is-worse',
    scope: 'server',
    meaning: 'trend of zk_watch_count per hour',
    defaults: { nu: 100_000, tau: 10_000, mode: 'p*w', sigmaFloor: 100 },
  },
  'data-size-growth': {
    unit: 'bytes/h',
    direction: 'higher-is-worse',
    scope: 'server',
    meaning: 'trend of zk_approximate_data_size per hour',
    defaults: { nu: 100_000_000, tau: 10_000_000, mode: 'p*w', sigmaFloor: 10_000 },
  },
  'fsync-exceed-rate': {
    unit: 'fsyncs/h',
    direction: 'higher-is-worse',
    scope: 'server',
    meaning: 'fsyncs slower than fsync.warningthresholdms per hour (zk_fsync_threshold_exceed_count trend)',
    defaults: { nu: 30, tau: 3, mode: 'w', sigmaFloor: 1 },
  },
  'elections-per-hour': {
    unit: 'elections/h',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    meaning: 'epoch increases seen in the last hour (each is a leader election)',
    defaults: { nu: 2.5, tau: 0.3, mode: 'w', sigmaFloor: 0.5 },
  },
  'zxid-lag': {
    unit: 'transactions',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    meaning: 'how many transactions the furthest-behind serving server trails the highest zxid',
    defaults: { nu: 10_000, tau: 1_000, mode: 'w', sigmaFloor: 10 },
  },
  'canary-connect-ms': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    meaning: "the canary session's connect time",
    defaults: { nu: 3000, tau: 300, mode: 'w', sigmaFloor: 5 },
  },
  'canary-write-ms': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    meaning: 'the slowest canary write step (create, set, delete)',
    defaults: { nu: 1000, tau: 100, mode: 'w', sigmaFloor: 5 },
  },
  'canary-read-ms': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    meaning: 'the slowest canary read step (get, watch delivery)',
    defaults: { nu: 500, tau: 50, mode: 'w', sigmaFloor: 5 },
  },
  'fd-exhaustion-hours': {
    unit: 'h',
    direction: 'lower-is-worse',
    scope: 'server',
    meaning: 'forecast: hours until open file descriptors reach the limit at the current trend (no value while not rising)',
    defaults: { nu: 24, tau: 2.5, mode: 'w', sigmaFloor: 1 },
  },
  'zxid-rollover-hours': {
    unit: 'h',
    direction: 'lower-is-worse',
    scope: 'ensemble',
    meaning: 'forecast: hours until the zxid counter reaches 0xffffffff and the leader forces an election',
    defaults: { nu: 12, tau: 1.5, mode: 'w', sigmaFloor: 1 },
  },
};
