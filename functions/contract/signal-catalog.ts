/**
 * The signals the warning model knows: their names, units, the ZooKeeper field each is
 * made from, which way is worse and their default warning curve. The thresholds document
 * may only name signals listed here.
 *
 * Every value is a current one: per-interval figures come from deltas of cumulative
 * counters (Δsum/Δcnt between two rounds, skipped across a restart or `srst`), gauges are
 * read as they are, and forecasts are read from a fitted line. ZooKeeper's lifetime
 * figures (`zk_avg_latency`, `zk_max_latency`: since start or `srst`) are kept as
 * `latency-avg`/`latency-max` for old documents only and are off by default.
 */
export const SignalNames = [
  'read-latency-ms',
  'write-latency-ms',
  'read-latency-p99-ms',
  'write-latency-p99-ms',
  'reply-time-excess-ms',
  'jvm-pause-ms-per-min',
  'fsync-exceed-per-min',
  'outstanding-requests',
  'pending-syncs',
  'fd-use',
  'fd-exhaustion-hours',
  'client-ip-use',
  'client-ip-exhaustion-hours',
  'connections-total',
  'znode-growth',
  'watch-growth',
  'data-size-growth',
  'elections-per-hour',
  'zxid-lag',
  'zxid-rollover-hours',
  'canary-connect-ms',
  'canary-write-ms',
  'canary-read-ms',
  'latency-avg',
  'latency-max',
] as const;
export type SignalName = (typeof SignalNames)[number];

/**
 * How a signal's risk r is made from W (near the operator's threshold) and P (unusual
 * for this server): `w` r=W; `p` r=P; `p*w` r=P·W (matters only when both high and
 * unusual); `max` r=max(W,P); `off` the signal is ignored.
 */
export const SignalModes = ['w', 'p', 'p*w', 'max', 'off'] as const;
export type SignalMode = (typeof SignalModes)[number];

/** Modes that read P, so the signal keeps a per-server baseline. */
export const P_MODES: readonly SignalMode[] = ['p', 'p*w', 'max'];

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
  /** ZooKeeper fields (or probe measurements) the value is made from. */
  source: string;
  /** ZooKeeper versions that report the source. */
  versions: string;
  meaning: string;
  /** Why the default curve sits where it does (docs/THRESHOLDS.md quotes it). */
  reason: string;
  defaults: SignalThreshold;
}

/**
 * Defaults are chosen by the scenario corpus (test/fixtures/scenarios, `npm run
 * bench:warning`): every degradation warns in time, seven noisy healthy days never do.
 */
export const SIGNAL_CATALOG: Record<SignalName, SignalDefinition> = {
  'read-latency-ms': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'Δzk_sum_readlatency / Δzk_cnt_readlatency between two rounds',
    versions: '3.6+',
    meaning:
      'average read latency of the interval (intervals with fewer than 20 reads are skipped), read from a robust (Theil–Sen) line over the last 10 min projected 10 min ahead, so a steady creep warns before it arrives and one slow round does not',
    reason: 'ν 100 ms: ten times a healthy loopback-to-LAN read; the 10-min projection warns a creep of 2→200 ms over 2 h about 8 min before it reaches ν',
    defaults: { nu: 100, tau: 10, mode: 'w', sigmaFloor: 1 },
  },
  'write-latency-ms': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'Δzk_sum_updatelatency / Δzk_cnt_updatelatency between two rounds',
    versions: '3.6+',
    meaning: 'average write (update) latency of the interval, projected like read-latency-ms',
    reason: 'ν 250 ms: writes wait for a quorum fsync; 250 ms means clients time out soon',
    defaults: { nu: 250, tau: 25, mode: 'w', sigmaFloor: 1 },
  },
  'read-latency-p99-ms': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'zk_p99_readlatency (a decaying sample of recent requests)',
    versions: '3.6+',
    meaning: "99th percentile read latency as the server reports it (recent requests, not lifetime)",
    reason: 'ν 500 ms: well above one-round GC spikes in the corpus; persistence keeps single spikes out',
    defaults: { nu: 500, tau: 50, mode: 'w', sigmaFloor: 5 },
  },
  'write-latency-p99-ms': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'zk_p99_updatelatency',
    versions: '3.6+',
    meaning: '99th percentile write latency as the server reports it',
    reason: 'ν 1000 ms: a write that slow is close to a client session timeout',
    defaults: { nu: 1000, tau: 100, mode: 'w', sigmaFloor: 5 },
  },
  'reply-time-excess-ms': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'server',
    source: "the probe's own exchange time with the server (ServerResult.durationMs) minus the median of its serving peers'",
    versions: 'all',
    meaning:
      'how much slower this server answers the probe than its peers, the median of the last 5 rounds: time a server spends stopped (GC thrash, a stalled disk, CPU steal) is not in its own latency counters but is in the reply time; relative to the peers so a slow network or a cold probe does not count, and a median so one GC pause is not a trend',
    reason: 'ν 200 ms: healthy servers answer within a few ms of each other; 200 ms more is a server that stalls',
    defaults: { nu: 200, tau: 20, mode: 'w', sigmaFloor: 5 },
  },
  'jvm-pause-ms-per-min': {
    unit: 'ms/min',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'Δzk_sum_jvm_pause_time_ms per minute between two rounds (needs jvm.pause.monitor=true)',
    versions: '3.6+',
    meaning: 'milliseconds per minute the JVM was paused (GC), from the pause monitor',
    reason: 'ν 6000 ms/min: a tenth of the time stopped, sustained; single GC pauses of 1–2 s stay far below',
    defaults: { nu: 6000, tau: 600, mode: 'w', sigmaFloor: 10 },
  },
  'fsync-exceed-per-min': {
    unit: 'fsyncs/min',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'Δzk_fsync_threshold_exceed_count per minute between two rounds',
    versions: '3.4+ (reported by 3.4 and 3.9; absent from the recorded Debian 3.8.0 mntr, where the signal has no value)',
    meaning: 'fsyncs slower than fsync.warningthresholdms per minute',
    reason: 'ν 6/min: a disk that is slow on every tenth-of-a-second batch; the bursts after a restart last one or two rounds and persistence drops them',
    defaults: { nu: 6, tau: 0.6, mode: 'w', sigmaFloor: 0.5 },
  },
  'outstanding-requests': {
    unit: 'requests',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'srvr Outstanding / zk_outstanding_requests (a gauge)',
    versions: 'all',
    meaning: 'requests queued in the server',
    reason: 'ν 50: a queue that long means the server is not keeping up',
    defaults: { nu: 50, tau: 5, mode: 'w', sigmaFloor: 1 },
  },
  'pending-syncs': {
    unit: 'syncs',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    source: "leader's zk_pending_syncs (a gauge)",
    versions: '3.4+',
    meaning: 'syncs the leader has not answered yet',
    reason: 'ν 10: followers this far behind risk dropping out',
    defaults: { nu: 10, tau: 1.5, mode: 'w', sigmaFloor: 1 },
  },
  'fd-use': {
    unit: 'fraction',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'zk_open_file_descriptor_count / zk_max_file_descriptor_count (gauges)',
    versions: '3.4+ (Unix)',
    meaning: 'open file descriptors as a fraction of the limit',
    reason: 'ν 0.85: the daily cycle of the corpus peaks at 0.54; above 0.85 a burst of clients exhausts the rest',
    defaults: { nu: 0.85, tau: 0.04, mode: 'w', sigmaFloor: 0.01 },
  },
  'fd-exhaustion-hours': {
    unit: 'h',
    direction: 'lower-is-worse',
    scope: 'server',
    source: 'zk_open_file_descriptor_count trend to zk_max_file_descriptor_count',
    versions: '3.4+ (Unix)',
    meaning:
      'forecast: hours until open fds reach the limit, from the fitted line (least squares); long tier over 6 h, only once 60 % is in use; short tier over 15 min, ungated, only when the line fits (R² ≥ 0.9) and the limit is within 1 h',
    reason: 'ν 24 h: the long horizon; a short-tier forecast (≤ 1 h) is far past it and warns at once',
    defaults: { nu: 24, tau: 2.5, mode: 'w', sigmaFloor: 1 },
  },
  'client-ip-use': {
    unit: 'fraction',
    direction: 'higher-is-worse',
    scope: 'server',
    source: "connections of the busiest client IP (`cons`, the round's clients.top) / conf maxClientCnxns",
    versions: 'all (cons; maxClientCnxns from conf)',
    meaning: 'the busiest client IP against maxClientCnxns, which ZooKeeper enforces per client IP; no value when maxClientCnxns is 0 (unlimited) or cons was not read',
    reason: 'ν 0.8: 48 of 60 from one host is a host about to be turned away',
    defaults: { nu: 0.8, tau: 0.04, mode: 'w', sigmaFloor: 0.01 },
  },
  'client-ip-exhaustion-hours': {
    unit: 'h',
    direction: 'lower-is-worse',
    scope: 'server',
    source: "the busiest client IP's connection count trend to maxClientCnxns",
    versions: 'all (cons)',
    meaning: 'forecast: hours until the busiest client IP reaches maxClientCnxns (same two tiers as fd-exhaustion-hours)',
    reason: 'ν 24 h as for fds; a session leak of 2/min toward 60 is forecast at ≤ 1 h and warns with most of its runway left',
    defaults: { nu: 24, tau: 2.5, mode: 'w', sigmaFloor: 1 },
  },
  'connections-total': {
    unit: 'connections',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'srvr Connections / zk_num_alive_connections (a gauge)',
    versions: 'all',
    meaning: 'all client connections of the server, judged only against a budget the operator sets as ν (maxClientCnxns is per IP and says nothing about the total)',
    reason: 'off by default: only the operator knows the budget; set nu and mode "w" to use it',
    defaults: { nu: 10_000, tau: 500, mode: 'off', sigmaFloor: 1 },
  },
  'znode-growth': {
    unit: 'znodes/h',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'zk_znode_count, rate per interval smoothed over 30 min',
    versions: 'all',
    meaning: 'how fast the znode count grows; must be both high and unusual for this server (P·W)',
    reason: 'ν 10 000/h with P·W: a batch job that always grows this fast is not news; a new runaway is',
    defaults: { nu: 10_000, tau: 1_000, mode: 'p*w', sigmaFloor: 10 },
  },
  'watch-growth': {
    unit: 'watches/h',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'zk_watch_count, rate per interval smoothed over 30 min',
    versions: 'all',
    meaning: 'how fast the watch count grows (P·W)',
    reason: 'ν 100 000/h with P·W, as for znodes',
    defaults: { nu: 100_000, tau: 10_000, mode: 'p*w', sigmaFloor: 100 },
  },
  'data-size-growth': {
    unit: 'bytes/h',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'zk_approximate_data_size, rate per interval smoothed over 30 min',
    versions: 'all',
    meaning: 'how fast the data tree grows (P·W)',
    reason: 'ν 100 MB/h with P·W: the data tree lives in the heap',
    defaults: { nu: 100_000_000, tau: 10_000_000, mode: 'p*w', sigmaFloor: 10_000 },
  },
  'elections-per-hour': {
    unit: 'elections/h',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    source: 'epoch increases (high 32 bits of the zxid) seen in the last hour',
    versions: 'all',
    meaning: 'leader elections in the last hour',
    reason: 'ν 2.5: a rolling restart of 3 servers moves the leader once or twice; three in an hour is flapping',
    defaults: { nu: 2.5, tau: 0.3, mode: 'w', sigmaFloor: 0.5 },
  },
  'zxid-lag': {
    unit: 'transactions',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    source: 'srvr Zxid of every serving server: highest minus the furthest behind (same epoch)',
    versions: 'all',
    meaning: 'how many transactions the furthest-behind serving server trails',
    reason: 'ν 10 000: a follower that far behind is about to need a snapshot',
    defaults: { nu: 10_000, tau: 1_000, mode: 'w', sigmaFloor: 10 },
  },
  'zxid-rollover-hours': {
    unit: 'h',
    direction: 'lower-is-worse',
    scope: 'ensemble',
    source: 'zxid counter (low 32 bits of the highest zxid) trend to 0xffffffff',
    versions: 'all',
    meaning: 'forecast: hours until the zxid counter reaches 0xffffffff and the leader forces an election (two tiers as for fds)',
    reason: 'ν 48 h: at 1,000 writes/s the warning comes about 47 h ahead, time to plan a restart in working hours',
    defaults: { nu: 48, tau: 4, mode: 'w', sigmaFloor: 1 },
  },
  'canary-connect-ms': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    source: "the canary session's connect step",
    versions: 'all',
    meaning: "the canary session's connect time",
    reason: "ν 1500 ms: well inside the canary's own deadline (a ν at the deadline could never fire: the canary fails first)",
    defaults: { nu: 1500, tau: 150, mode: 'w', sigmaFloor: 5 },
  },
  'canary-write-ms': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    source: 'the slowest canary write step (create, set, delete)',
    versions: 'all',
    meaning: 'the slowest canary write step',
    reason: 'ν 1000 ms: loopback writes take ~2–3 ms',
    defaults: { nu: 1000, tau: 100, mode: 'w', sigmaFloor: 5 },
  },
  'canary-read-ms': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'ensemble',
    source: 'the slowest canary read step (get, watch delivery)',
    versions: 'all',
    meaning: 'the slowest canary read step',
    reason: 'ν 500 ms: loopback reads take ~0.3 ms',
    defaults: { nu: 500, tau: 50, mode: 'w', sigmaFloor: 5 },
  },
  'latency-avg': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'zk_avg_latency / srvr Latency avg: a LIFETIME average since start or srst',
    versions: 'all',
    meaning: 'lifetime average latency; after days of uptime it hardly moves, so it cannot warn of anything current',
    reason: 'off: kept so old documents still parse; use read-latency-ms / write-latency-ms',
    defaults: { nu: 50, tau: 5, mode: 'off', sigmaFloor: 1 },
  },
  'latency-max': {
    unit: 'ms',
    direction: 'higher-is-worse',
    scope: 'server',
    source: 'zk_max_latency / srvr Latency max: a LIFETIME maximum since start or srst',
    versions: 'all',
    meaning: 'lifetime maximum latency; it only ever rises, so one slow request would keep a warning up forever',
    reason: 'off: kept so old documents still parse; use read-latency-p99-ms',
    defaults: { nu: 2000, tau: 200, mode: 'off', sigmaFloor: 10 },
  },
};
