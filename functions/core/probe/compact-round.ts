/**
 * The stored form of a `ProbeRound`. A round item is written every minute per ensemble
 * and DynamoDB bills writes per started kilobyte, while a full `mntr` alone is ~15 KB per
 * server. The evaluator needs only a few dozen metrics, so the stored round keeps those
 * and what the ensemble view and the alarms use, and drops text that is fixed per server
 * (version strings, paths, the full `conf`). The result is still a valid `ProbeRound`.
 */
import type { CanaryResult, MetricValue, ProbeRound, ServerResult, ServerSummary } from '../../contract/probe-round.ts';
import { fitRoundToBudget } from './round-budget.ts';

/**
 * `mntr` metrics the signals and the ensemble view read (3.4 to 3.9 names). Latency,
 * outstanding requests and connections are not here: the signals read them from
 * `summary`, which carries them whether `srvr` or only the metrics answered. A signal
 * that needs another metric must be added here, or stored rounds will lack it.
 */
export const STORED_METRICS: ReadonlySet<string> = new Set([
  'zk_open_file_descriptor_count',
  'zk_max_file_descriptor_count',
  'zk_znode_count',
  'zk_watch_count',
  'zk_approximate_data_size',
  'zk_fsync_threshold_exceed_count',
  // Cumulative counters the evaluator turns into per-interval values (Δ between rounds).
  'zk_sum_readlatency',
  'zk_cnt_readlatency',
  'zk_sum_updatelatency',
  'zk_cnt_updatelatency',
  'zk_p99_readlatency',
  'zk_p99_updatelatency',
  'zk_sum_jvm_pause_time_ms',
  'zk_connection_rejected',
  'zk_pending_syncs',
  'zk_synced_followers',
  'zk_learners',
  'zk_followers',
]);

/** `conf` keys the signals read (connections are judged against `maxClientCnxns`). */
export const STORED_CONF: ReadonlySet<string> = new Set(['maxClientCnxns']);

/** The round as stored: compacted, then held to the item budget (`round-budget.ts`). */
export function compactRound(round: ProbeRound): ProbeRound {
  return fitRoundToBudget({
    ...round,
    servers: round.servers.map(compactServer),
    canary: round.canary && compactCanary(round.canary),
  });
}

function compactServer(server: ServerResult): ServerResult {
  const compact: ServerResult = {
    address: server.address,
    mode: server.mode,
    alive: server.alive,
    source: server.source,
    summary: compactSummary(server.summary),
    metrics: pick(server.metrics, STORED_METRICS),
    durationMs: server.durationMs,
    // Per-word timings are diagnostics for a person running `probe`; no signal reads them.
    timings: {},
  };
  if (server.error) compact.error = { ...server.error, message: truncate(server.error.message, 200) };
  if (server.conf) compact.conf = pick(server.conf, STORED_CONF);
  // Small by construction (top 5 IPs; one short entry per failed word) and read by the
  // per-IP signal, the blind-spot notices and the turned-away alarm.
  if (server.clients) compact.clients = server.clients;
  if (server.blindSpots) compact.blindSpots = server.blindSpots;
  if (server.refusedExchanges) compact.refusedExchanges = server.refusedExchanges;
  if (server.epoch !== undefined) compact.epoch = server.epoch;
  if (server.zxidCounter !== undefined) compact.zxidCounter = server.zxidCounter;
  return compact;
}

function compactSummary(summary: ServerSummary): ServerSummary {
  const { version: _version, received: _received, sent: _sent, ...kept } = summary;
  return kept;
}

function compactCanary(canary: CanaryResult): CanaryResult {
  const { path: _path, ...kept } = canary;
  return kept.error ? { ...kept, error: { ...kept.error, message: truncate(kept.error.message, 200) } } : kept;
}

function pick<V extends MetricValue>(values: Record<string, V>, keep: ReadonlySet<string>): Record<string, V> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => keep.has(key)));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
