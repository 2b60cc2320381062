/**
 * Signal values from one round plus what the state remembers: gauges read straight from
 * the servers, rates and forecasts from least-squares trends over the bounded history.
 */
import { metricNumber } from '../probe/classify-server.ts';
import { isServing, type ProbeRound, type ServerResult } from '../probe/probe-round.ts';
import { appendSample, MAX_ELECTIONS, seriesKey, type EnsembleState, type Sample } from './ensemble-state.ts';
import type { SignalName } from './signal-catalog.ts';

export interface SignalValue {
  signal: SignalName;
  /** Absent for ensemble-wide signals. */
  server?: string;
  value: number;
}

export interface SignalExtraction {
  values: SignalValue[];
  history: EnsembleState['history'];
  elections: string[];
  lastEpoch?: number;
}

/** A trend needs this many samples over at least this span, or one noisy minute would forecast doom. */
export const MIN_TREND_POINTS = 3;
export const MIN_TREND_SPAN_MS = 10 * 60_000;
/** The zxid counter is the low 32 bits; at this value the leader forces an election. */
export const ZXID_COUNTER_LIMIT = 0xffffffff;

const HOUR_MS = 3_600_000;

/** Per-server series kept for trends, with the mntr key each comes from. */
const SERVER_SERIES = {
  fd: 'zk_open_file_descriptor_count',
  znodes: 'zk_znode_count',
  watches: 'zk_watch_count',
  'data-size': 'zk_approximate_data_size',
  'fsync-exceed': 'zk_fsync_threshold_exceed_count',
} as const;
type ServerSeries = keyof typeof SERVER_SERIES;

/** Monotonic counters: a drop means the server restarted, so the series starts over. */
const COUNTERS: readonly ServerSeries[] = ['fsync-exceed'];

const GROWTH_SIGNALS: Partial<Record<ServerSeries, SignalName>> = {
  znodes: 'znode-growth',
  watches: 'watch-growth',
  'data-size': 'data-size-growth',
  'fsync-exceed': 'fsync-exceed-rate',
};

/**
 * `at` is the round's own time (ms), so replaying stored rounds gives the same answers as
 * evaluating them live.
 */
export function extractSignals(round: ProbeRound, previous: Pick<EnsembleState, 'history' | 'elections' | 'lastEpoch'>, at: number): SignalExtraction {
  const values: SignalValue[] = [];
  const history: EnsembleState['history'] = {};
  const keep = new Set([...round.servers.map((s) => s.address), '*']);
  for (const [key, series] of Object.entries(previous.history)) {
    if (keep.has(key.slice(0, key.lastIndexOf('|')))) history[key] = series;
  }

  for (const server of round.servers) {
    if (!isServing(server.mode)) continue;
    values.push(...gaugeSignals(server));
    for (const [series, metric] of Object.entries(SERVER_SERIES) as [ServerSeries, string][]) {
      const value = metricNumber(server.metrics, metric);
      if (value === undefined || !Number.isFinite(value)) continue;
      const key = seriesKey(server.address, series);
      const last = history[key]?.at(-1);
      const restarted = COUNTERS.includes(series) && last !== undefined && value < last[1];
      history[key] = appendSample(restarted ? [] : history[key], [Math.round(at / 1000), value]);
      const growth = GROWTH_SIGNALS[series];
      const slope = trendPerHour(history[key]);
      if (growth && slope !== undefined) values.push({ signal: growth, server: server.address, value: slope });
    }
    const fdLimit = metricNumber(server.metrics, 'zk_max_file_descriptor_count');
    const fdHours = fdLimit !== undefined && fdLimit > 0 ? hoursUntil(history[seriesKey(server.address, 'fd')], fdLimit) : undefined;
    if (fdHours !== undefined) values.push({ signal: 'fd-exhaustion-hours', server: server.address, value: fdHours });
  }

  const elections = countElections(round, previous, at);
  values.push({ signal: 'elections-per-hour', value: elections.list.filter((t) => Date.parse(t) > at - HOUR_MS).length });
  values.push(...ensembleSignals(round));

  const { epoch, zxidCounter } = round.ensemble;
  if (zxidCounter !== undefined && epoch !== undefined) {
    const key = seriesKey(undefined, 'zxid-counter');
    const newEpoch = previous.lastEpoch !== undefined && epoch !== previous.lastEpoch;
    history[key] = appendSample(newEpoch ? [] : history[key], [Math.round(at / 1000), zxidCounter]);
    const hours = hoursUntil(history[key], ZXID_COUNTER_LIMIT);
    if (hours !== undefined) values.push({ signal: 'zxid-rollover-hours', value: hours });
  }

  const extraction: SignalExtraction = { values, history, elections: elections.list };
  if (elections.lastEpoch !== undefined) extraction.lastEpoch = elections.lastEpoch;
  return extraction;
}

function gaugeSignals(server: ServerResult): SignalValue[] {
  const m = server.metrics;
  const out: SignalValue[] = [];
  const push = (signal: SignalName, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) out.push({ signal, server: server.address, value });
  };
  push('latency-avg', server.summary.latency?.avg ?? metricNumber(m, 'zk_avg_latency'));
  push('latency-max', server.summary.latency?.max ?? metricNumber(m, 'zk_max_latency'));
  push('outstanding-requests', server.summary.outstanding ?? metricNumber(m, 'zk_outstanding_requests'));
  push('fd-use', fdFraction(m));
  push('connections-use', connectionsFraction(server));
  return out;
}

export function fdFraction(metrics: ServerResult['metrics']): number | undefined {
  const open = metricNumber(metrics, 'zk_open_file_descriptor_count');
  const max = metricNumber(metrics, 'zk_max_file_descriptor_count');
  if (open === undefined || max === undefined || !(max > 0)) return undefined;
  return open / max;
}

/** Connections against maxClientCnxns; 0 (or absent) is unlimited, so there is nothing to approach. */
export function connectionsFraction(server: Pick<ServerResult, 'summary' | 'metrics' | 'conf'>): number | undefined {
  const limit = Number(server.conf?.maxClientCnxns);
  if (!Number.isFinite(limit) || limit <= 0) return undefined;
  const connections = server.summary.connections ?? metricNumber(server.metrics, 'zk_num_alive_connections');
  return connections === undefined ? undefined : connections / limit;
}

function ensembleSignals(round: ProbeRound): SignalValue[] {
  const out: SignalValue[] = [];
  const { pendingSyncs, zxidSpread } = round.ensemble;
  if (pendingSyncs !== undefined) out.push({ signal: 'pending-syncs', value: pendingSyncs });
  if (zxidSpread !== undefined) out.push({ signal: 'zxid-lag', value: zxidSpread });
  const canary = round.canary;
  if (canary?.ok) {
    const s = canary.steps;
    const slowest = (...steps: (number | undefined)[]) => {
      const known = steps.filter((v): v is number => v !== undefined && Number.isFinite(v));
      return known.length > 0 ? Math.max(...known) : undefined;
    };
    const connect = s.connect;
    const write = slowest(s.create, s.set, s.delete);
    const read = slowest(s.get, s.watch);
    if (connect !== undefined) out.push({ signal: 'canary-connect-ms', value: connect });
    if (write !== undefined) out.push({ signal: 'canary-write-ms', value: write });
    if (read !== undefined) out.push({ signal: 'canary-read-ms', value: read });
  }
  return out;
}

/** An epoch increase is an election; the list keeps the last hour (and at most MAX_ELECTIONS). */
function countElections(round: ProbeRound, previous: Pick<EnsembleState, 'elections' | 'lastEpoch'>, at: number): { list: string[]; lastEpoch?: number } {
  const epoch = round.ensemble.epoch;
  const list = previous.elections.filter((t) => Date.parse(t) > at - HOUR_MS);
  if (epoch !== undefined && previous.lastEpoch !== undefined && epoch > previous.lastEpoch) list.push(new Date(at).toISOString());
  const lastEpoch = epoch !== undefined && (previous.lastEpoch === undefined || epoch > previous.lastEpoch) ? epoch : previous.lastEpoch;
  const out: { list: string[]; lastEpoch?: number } = { list: list.slice(-MAX_ELECTIONS) };
  if (lastEpoch !== undefined) out.lastEpoch = lastEpoch;
  return out;
}

/** Least-squares slope in units per hour, or undefined when the samples are too few or too close together. */
export function trendPerHour(samples: readonly Sample[] | undefined): number | undefined {
  if (!samples || samples.length < MIN_TREND_POINTS) return undefined;
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || (last[0] - first[0]) * 1000 < MIN_TREND_SPAN_MS) return undefined;
  const xs = samples.map(([t]) => ((t - first[0]) * 1000) / HOUR_MS);
  const ys = samples.map(([, v]) => v);
  const n = samples.length;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - meanX;
    sxy += dx * ((ys[i] as number) - meanY);
    sxx += dx * dx;
  }
  if (!(sxx > 0)) return undefined;
  const slope = sxy / sxx;
  return Number.isFinite(slope) ? slope : undefined;
}

/** Hours until the newest value reaches `limit` at the trend; undefined unless rising. */
export function hoursUntil(samples: readonly Sample[] | undefined, limit: number): number | undefined {
  const slope = trendPerHour(samples);
  const last = samples?.at(-1);
  if (slope === undefined || !(slope > 0) || !last) return undefined;
  return Math.max(0, (limit - last[1]) / slope);
}
