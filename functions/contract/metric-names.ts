/**
 * The Prometheus series zk-lookout exposes (`zk-lookout run --metrics-port`): names, help
 * and label names in one place, so the exporter, the docs' rules and the tests agree.
 *
 * mntr metrics are one family, `zk_lookout_mntr{ensemble,server,name="zk_avg_latency"}`,
 * not one family per key: mntr says nothing about types, and many of its keys end in
 * `_count` or `_sum`, which Prometheus reserves for histograms and summaries
 * (`promtool check metrics` rejects such gauges). Renaming them would break the link to
 * ZooKeeper's own documentation; a label keeps every key exactly as the server names it.
 */
export const MNTR_METRIC = 'zk_lookout_mntr';

export interface GaugeSpec {
  help: string;
  labelNames: readonly string[];
}

/** Gauges derived from the latest round and state of each ensemble. */
export const LOOKOUT_GAUGES = {
  zk_lookout_server_up: { help: 'Whether the server answered the probe at all (1) or was unreachable or timed out (0).', labelNames: ['ensemble', 'server'] },
  zk_lookout_server_serving: { help: 'Whether the server serves client requests (leader, follower, observer, standalone or read-only).', labelNames: ['ensemble', 'server'] },
  zk_lookout_server_mode: { help: "The server's classified mode this round: 1 for its mode, 0 for every other.", labelNames: ['ensemble', 'server', 'mode'] },
  [MNTR_METRIC]: { help: 'Every numeric mntr value the server reported, by its mntr key (per-namespace keys dropped).', labelNames: ['ensemble', 'server', 'name'] },
  zk_lookout_ensemble_servers: { help: 'Servers configured for the ensemble.', labelNames: ['ensemble'] },
  zk_lookout_ensemble_servers_serving: { help: 'Servers answering client requests.', labelNames: ['ensemble'] },
  zk_lookout_ensemble_leaders: { help: 'Servers that said they lead (1 is healthy; 0 and 2 are alarms).', labelNames: ['ensemble'] },
  zk_lookout_ensemble_quorum: { help: 'Whether a majority of voters is serving (1) or not (0).', labelNames: ['ensemble'] },
  zk_lookout_ensemble_quorum_size: { help: 'Voters needed for a majority.', labelNames: ['ensemble'] },
  zk_lookout_ensemble_synced_followers: { help: "Followers in sync, from the leader's mntr.", labelNames: ['ensemble'] },
  zk_lookout_ensemble_zxid_lag: { help: 'Transactions the furthest-behind serving server trails the highest zxid.', labelNames: ['ensemble'] },
  zk_lookout_canary_success: { help: 'Whether the canary session completed every step (1) or failed (0).', labelNames: ['ensemble'] },
  zk_lookout_canary_step_seconds: { help: 'Time each completed canary step took.', labelNames: ['ensemble', 'step'] },
  zk_lookout_warning_probability: { help: "The ensemble's warning probability (noisy-OR of every signal's risk).", labelNames: ['ensemble'] },
  zk_lookout_signal_value: { help: "A warning-model signal's value this round, in the signal's own unit.", labelNames: ['ensemble', 'signal', 'server'] },
  zk_lookout_signal_risk: { help: "A warning-model signal's risk r this round (0..1).", labelNames: ['ensemble', 'signal', 'server'] },
  zk_lookout_alert_firing: { help: 'Whether a zk-lookout alert is firing (1) or pending or resolved (0); only alerts seen since start.', labelNames: ['ensemble', 'alert', 'server', 'level'] },
  zk_lookout_last_round_timestamp_seconds: { help: 'When the newest evaluated round started (Unix time).', labelNames: ['ensemble'] },
} as const satisfies Record<string, GaugeSpec>;

export type LookoutGauge = keyof typeof LOOKOUT_GAUGES;

/** The checker's own health: counters and histograms updated once per round. */
export const HealthMetrics = {
  roundsTotal: { name: 'zk_lookout_rounds_total', help: 'Probe rounds completed.', labelNames: ['ensemble'] },
  probeErrorsTotal: { name: 'zk_lookout_probe_errors_total', help: 'Servers whose probe failed, by the failure kind.', labelNames: ['ensemble', 'kind'] },
  roundErrorsTotal: { name: 'zk_lookout_round_errors_total', help: 'Rounds that could not be stored, evaluated or delivered.', labelNames: ['ensemble'] },
  probeDuration: { name: 'zk_lookout_probe_duration_seconds', help: 'Time to probe every server of the ensemble.', labelNames: ['ensemble'] },
  evaluationDuration: { name: 'zk_lookout_evaluation_duration_seconds', help: 'Time to evaluate a round and deliver its alerts.', labelNames: ['ensemble'] },
  alertmanagerPostsTotal: { name: 'zk_lookout_alertmanager_posts_total', help: 'Posts to Alertmanager, by result (ok or error).', labelNames: ['result'] },
} as const;

/** Buckets (seconds) for probe and evaluation time: loopback rounds take milliseconds, a timed-out server seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Keys ZooKeeper 3.7+ repeats per top-level znode namespace: unbounded, so never exported. */
export function isPerNamespaceKey(key: string): boolean {
  return key.endsWith('_per_namespace');
}

/** At most this many mntr keys per server, so a server reporting nonsense cannot flood the scrape. */
export const MAX_MNTR_KEYS = 1000;
