/**
 * One ensemble's gauge values from its latest round, committed state and risk: what a
 * scrape shows until the next round replaces them all (so a vanished server's series
 * vanish too).
 */
import { metricNumber } from '../probe/classify-server.ts';
import { isServing, ServerModes, type ProbeRound } from '../../contract/probe-round.ts';
import type { EnsembleState } from '../../contract/ensemble-state.ts';
import type { DrivingSignal } from '../../contract/transition.ts';
import { isPerNamespaceKey, MAX_MNTR_KEYS, MNTR_METRIC, type LookoutGauge } from '../../contract/metric-names.ts';

export interface GaugeSample {
  metric: LookoutGauge;
  labels: Record<string, string>;
  value: number;
}

/** One alert's series, remembered so a resolved alert reads 0 instead of disappearing. */
export interface AlertSeries {
  alert: string;
  server?: string;
  level: string;
}

export interface EnsembleSnapshot {
  samples: GaugeSample[];
  /** The alert series to keep reporting (pass them back in with the next round). */
  alerts: AlertSeries[];
}

export interface EnsembleSampleInput {
  round: ProbeRound;
  /** The state committed for this round; absent when the evaluation failed. */
  state?: EnsembleState;
  /** Every signal's part this round (the evaluator's risk assessment). */
  signals: readonly DrivingSignal[];
  probability?: number;
  /** Alert series reported before (from the previous snapshot). */
  knownAlerts: readonly AlertSeries[];
}

const UNREACHED = new Set(['unreachable', 'timeout']);

export function ensembleSamples(input: EnsembleSampleInput): EnsembleSnapshot {
  const { round } = input;
  const ensemble = round.ensembleName;
  const samples: GaugeSample[] = [];
  const add = (metric: LookoutGauge, labels: Record<string, string>, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) samples.push({ metric, labels: { ensemble, ...labels }, value });
  };
  const flag = (b: boolean) => (b ? 1 : 0);

  for (const server of round.servers) {
    const labels = { server: server.address };
    // An unprobed server (the checker's own fault) is unknown: no up/down sample at all.
    if (server.mode !== 'unprobed') add('zk_lookout_server_up', labels, flag(!UNREACHED.has(server.mode)));
    add('zk_lookout_server_serving', labels, flag(isServing(server.mode)));
    for (const mode of ServerModes) add('zk_lookout_server_mode', { ...labels, mode }, flag(server.mode === mode));
    const keys = Object.keys(server.metrics).filter((key) => !isPerNamespaceKey(key)).sort().slice(0, MAX_MNTR_KEYS);
    for (const key of keys) add(MNTR_METRIC, { ...labels, name: key }, metricNumber(server.metrics, key));
  }

  const view = round.ensemble;
  add('zk_lookout_ensemble_servers', {}, view.size);
  add('zk_lookout_ensemble_servers_serving', {}, view.serving);
  add('zk_lookout_ensemble_leaders', {}, view.leaderCount);
  add('zk_lookout_ensemble_quorum', {}, flag(view.hasQuorum));
  add('zk_lookout_ensemble_quorum_size', {}, view.quorumSize);
  add('zk_lookout_ensemble_synced_followers', {}, view.syncedFollowers);
  add('zk_lookout_ensemble_zxid_lag', {}, view.zxidSpread);
  if (round.canary) {
    add('zk_lookout_canary_success', {}, flag(round.canary.ok));
    for (const [step, ms] of Object.entries(round.canary.steps)) add('zk_lookout_canary_step_seconds', { step }, ms / 1000);
  }
  add('zk_lookout_warning_probability', {}, input.probability);
  for (const s of input.signals) {
    const labels = { signal: s.signal, ...(s.server !== undefined ? { server: s.server } : {}) };
    add('zk_lookout_signal_value', labels, s.value);
    add('zk_lookout_signal_risk', labels, s.risk);
  }
  const started = Date.parse(round.startedAt);
  add('zk_lookout_last_round_timestamp_seconds', {}, Number.isFinite(started) ? started / 1000 : undefined);

  const alerts = alertSeries(input.state, input.knownAlerts);
  for (const { series, firing } of alerts) {
    add('zk_lookout_alert_firing', { alert: series.alert, ...(series.server !== undefined ? { server: series.server } : {}), level: series.level }, flag(firing));
  }
  return { samples, alerts: alerts.map((a) => a.series) };
}

/** Alerts the state holds (firing → 1, pending → 0), and those seen before that have since resolved (0). */
function alertSeries(state: EnsembleState | undefined, known: readonly AlertSeries[]): { series: AlertSeries; firing: boolean }[] {
  const id = (s: AlertSeries) => JSON.stringify([s.alert, s.server ?? '', s.level]);
  const out = new Map<string, { series: AlertSeries; firing: boolean }>();
  for (const series of known) out.set(id(series), { series, firing: false });
  if (state === undefined) return [...out.values()];
  for (const record of Object.values(state.alerts)) {
    const series: AlertSeries = { alert: record.alertName, level: record.level, ...(record.server !== undefined ? { server: record.server } : {}) };
    out.set(id(series), { series, firing: record.status === 'firing' });
  }
  return [...out.values()];
}
