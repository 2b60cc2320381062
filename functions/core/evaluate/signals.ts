/**
 * Signal values from one round plus what the state remembers of each server. Every value
 * is a current one:
 * - per-interval values from deltas of cumulative counters between this round and the
 *   last (Δsum/Δcnt for latencies, Δcount/Δt for rates), skipped across a counter reset
 *   (a restart or `srst`: any counter going down);
 * - gauges as the server reports them;
 * - the probe's own reply time per server against its serving peers';
 * - forecasts read from fitted lines over packed series (forecast.ts).
 * `at` is the round's own time (ms), so replaying stored rounds gives the same answers.
 */
import { metricNumber } from '../probe/classify-server.ts';
import { isServing, type ProbeRound, type ServerResult } from '../../contract/probe-round.ts';
import { MAX_ELECTIONS, type EnsembleState, type ServerMemory } from '../../contract/ensemble-state.ts';
import { appendPacked, type SeriesShape } from '../../contract/packed-series.ts';
import { robustLine, timeToLimit, type Forecast, type ForecastSettings } from './forecast.ts';
import type { SignalName } from '../../contract/signal-catalog.ts';
import { DEFAULT_FORECAST } from '../../contract/thresholds.ts';
import { significant } from './significant.ts';
import { median } from './median.ts';
import { parseIsoTime } from './iso-time.ts';

export interface SignalValue {
  signal: SignalName;
  /** Absent for ensemble-wide signals. */
  server?: string;
  value: number;
  /** What the value is about within the server: the client IP of per-IP signals. */
  subject?: string;
  /** For forecasts: the fitted line's facts (current value, limit, slope, tier). */
  forecast?: Forecast;
}

/** A server's Δzk_connection_rejected this interval (0 included, so the alarm can clear), with the busiest client IP. */
export interface TurnedAway {
  server: string;
  rejected: number;
  busiest?: { ip: string; count: number };
}

export interface SignalExtraction {
  values: SignalValue[];
  /** The next state's memories: new objects, none shared with the last state, so callers may write into them. */
  mem: EnsembleState['mem'];
  elections: string[];
  lastEpoch?: number;
  turnedAway: TurnedAway[];
}

export interface ExtractionSettings {
  forecast: ForecastSettings & { settleMinutes: number };
}

/** The zxid counter is the low 32 bits; at this value the leader forces an election. */
export const ZXID_COUNTER_LIMIT = 0xffffffff;

/** Forecast series: fine (short tier, ~16 min at 1-min rounds) and coarse (long tier, 6 h). */
export const FINE_SERIES: SeriesShape = { spacingS: 55, points: 17 };
export const COARSE_SERIES: SeriesShape = { spacingS: 900, points: 25 };
/** Latency series: ~10 min of per-interval values, read by a robust line 10 min ahead. */
export const LATENCY_SERIES: SeriesShape = { spacingS: 50, points: 11 };
export const LATENCY_WINDOW_S = 600;
export const LATENCY_LEAD_S = 600;
/** Reply-time excess: the median of the last 5 rounds (≥ 50 s apart), once there are 3. */
export const REPLY_SERIES: SeriesShape = { spacingS: 50, points: 5 };
const MIN_REPLY_SAMPLES = 3;
/** An interval's latency counts only with at least this many requests in it. */
export const MIN_INTERVAL_REQUESTS = 20;
/** Latencies are stored in tenths of a millisecond. */
const LATENCY_SCALE = 10;
/** Growth rates are smoothed with this time constant. */
export const GROWTH_TIME_CONSTANT_S = 1800;

const HOUR_MS = 3_600_000;

/** Cumulative counters remembered per server (short key → mntr key); a drop in any of them is a reset. */
const COUNTERS = {
  rs: 'zk_sum_readlatency',
  rc: 'zk_cnt_readlatency',
  us: 'zk_sum_updatelatency',
  uc: 'zk_cnt_updatelatency',
  jp: 'zk_sum_jvm_pause_time_ms',
  fe: 'zk_fsync_threshold_exceed_count',
  cr: 'zk_connection_rejected',
} as const;
type CounterKey = keyof typeof COUNTERS;
const COUNTER_ENTRIES = Object.entries(COUNTERS) as [CounterKey, string][];

/** Per-interval latencies: [signal, sum counter, count counter, series code]. */
const LATENCIES: readonly [SignalName, CounterKey, CounterKey, string][] = [
  ['read-latency-ms', 'rs', 'rc', 'r'],
  ['write-latency-ms', 'us', 'uc', 'w'],
];

/** Gauges whose growth rate is a signal: [last-value key, rate key, mntr key, signal]. */
const GROWTH: readonly [string, string, string, SignalName][] = [
  ['gz', 'rz', 'zk_znode_count', 'znode-growth'],
  ['gw', 'rw', 'zk_watch_count', 'watch-growth'],
  ['gd', 'rd', 'zk_approximate_data_size', 'data-size-growth'],
];

export function extractSignals(
  round: ProbeRound,
  previous: Pick<EnsembleState, 'mem' | 'elections' | 'lastEpoch'>,
  at: number,
  settings: ExtractionSettings = { forecast: DEFAULT_FORECAST },
): SignalExtraction {
  const values: SignalValue[] = [];
  const turnedAway: TurnedAway[] = [];
  const mem: EnsembleState['mem'] = {};
  const t = Math.round(at / 1000);
  const serving = round.servers.filter((s) => isServing(s.mode));

  for (const server of round.servers) {
    const before = previous.mem[server.address] ?? {};
    if (!isServing(server.mode)) {
      // A server that does not answer keeps its memory: its next answer is compared with its last.
      mem[server.address] = carried(before);
      continue;
    }
    const out = serverSignals(server, before, t, settings);
    mem[server.address] = out.memory;
    values.push(...out.values);
    if (out.turnedAway) turnedAway.push(out.turnedAway);
  }
  values.push(...replyTimeExcess(serving, mem, t));

  const elections = countElections(round, previous, at);
  // countElections keeps only the last hour's (and a new one is at `at`): every one listed counts.
  values.push({ signal: 'elections-per-hour', value: elections.list.length });
  values.push(...ensembleSignals(round));

  const ensembleMem: ServerMemory = { ...previous.mem['*'] };
  const { epoch, zxidCounter } = round.ensemble;
  if (zxidCounter !== undefined && epoch !== undefined) {
    const newEpoch = previous.lastEpoch !== undefined && epoch !== previous.lastEpoch;
    const series = newEpoch ? {} : { ...ensembleMem.s };
    const f = forecastSeries(series, 'z', 'Z', t, zxidCounter, ZXID_COUNTER_LIMIT, settings.forecast);
    ensembleMem.s = series;
    if (f) values.push({ signal: 'zxid-rollover-hours', value: f.hours, forecast: f });
  }
  if (ensembleMem.s || ensembleMem.b) mem['*'] = ensembleMem;

  const extraction: SignalExtraction = { values, mem, elections: elections.list, turnedAway };
  if (elections.lastEpoch !== undefined) extraction.lastEpoch = elections.lastEpoch;
  return extraction;
}

function serverSignals(
  server: ServerResult,
  before: ServerMemory,
  t: number,
  settings: ExtractionSettings,
): { values: SignalValue[]; memory: ServerMemory; turnedAway?: TurnedAway } {
  const m = server.metrics;
  const address = server.address;
  const values: SignalValue[] = [];
  const k0 = before.k ?? {};
  const k: Record<string, number> = { t };
  const counters: Partial<Record<CounterKey, number>> = {};
  // A restart or `srst` resets the cumulative counters: any of them going down is one.
  let restarted = false;
  for (const [short, key] of COUNTER_ENTRIES) {
    const v = metricNumber(m, key);
    if (v !== undefined && Number.isFinite(v)) {
      counters[short] = v;
      k[short] = v;
      const then = k0[short];
      if (then !== undefined && v < then) restarted = true;
    }
  }
  const dt = k0.t !== undefined ? t - k0.t : 0;
  const deltas: Partial<Record<CounterKey, number>> = {};
  if (!restarted && dt > 0) {
    for (const [short] of COUNTER_ENTRIES) {
      const now = counters[short];
      const then = k0[short];
      if (now !== undefined && then !== undefined) deltas[short] = now - then;
    }
  }
  const series: Record<string, string> = restarted ? {} : { ...before.s };

  // Per-interval latencies, read from a robust line ahead of now.
  for (const [signal, sum, cnt, code] of LATENCIES) {
    const dSum = deltas[sum];
    const dCnt = deltas[cnt];
    // A handful of requests is no average: one slow read among five would look like a trend.
    if (dSum === undefined || dCnt === undefined || dCnt < MIN_INTERVAL_REQUESTS) continue;
    const latency = appendPacked(series[code], t, dSum / dCnt, LATENCY_SERIES, LATENCY_SCALE);
    series[code] = latency.packed;
    const line = robustLine(latency.series, t, LATENCY_WINDOW_S);
    if (line) pushValue(values, address, signal, Math.max(0, line.value + (line.slope * LATENCY_LEAD_S) / 3600));
  }
  pushValue(values, address, 'read-latency-p99-ms', metricNumber(m, 'zk_p99_readlatency'));
  pushValue(values, address, 'write-latency-p99-ms', metricNumber(m, 'zk_p99_updatelatency'));
  pushValue(values, address, 'jvm-pause-ms-per-min', perMinute(deltas.jp, dt));
  pushValue(values, address, 'fsync-exceed-per-min', perMinute(deltas.fe, dt));

  pushValue(values, address, 'outstanding-requests', server.summary.outstanding ?? metricNumber(m, 'zk_outstanding_requests'));
  pushValue(values, address, 'connections-total', server.summary.connections ?? metricNumber(m, 'zk_num_alive_connections'));
  pushValue(values, address, 'latency-avg', server.summary.latency?.avg ?? metricNumber(m, 'zk_avg_latency'));
  pushValue(values, address, 'latency-max', server.summary.latency?.max ?? metricNumber(m, 'zk_max_latency'));

  // Growth rates per hour, smoothed over GROWTH_TIME_CONSTANT_S.
  for (const [lastKey, rateKey, metric, signal] of GROWTH) {
    const v = metricNumber(m, metric);
    if (v === undefined || !Number.isFinite(v)) continue;
    k[lastKey] = v;
    const last = k0[lastKey];
    if (last === undefined || !(dt > 0)) continue;
    const instant = ((v - last) / dt) * 3600;
    const previousRate = k0[rateKey];
    const weight = 1 - Math.exp(-dt / GROWTH_TIME_CONSTANT_S);
    const rate = previousRate === undefined ? instant : previousRate + weight * (instant - previousRate);
    k[rateKey] = significant(rate, 4);
    pushValue(values, address, signal, rate);
  }

  // Forecasts wait after a restart for clients to reconnect: a climb back is not a leak. The
  // stored round has no uptime (it would cost bytes in every round, and full and stored
  // rounds must give the same answers), so a restart seen through the counters is
  // remembered (`rt`) until the settling time has passed.
  const settleS = settings.forecast.settleMinutes * 60;
  const restartedAt = restarted ? t : k0.rt;
  if (restartedAt !== undefined && t - restartedAt < settleS) k.rt = restartedAt;
  const settled = restartedAt === undefined || t - restartedAt >= settleS;
  const open = metricNumber(m, 'zk_open_file_descriptor_count');
  const max = metricNumber(m, 'zk_max_file_descriptor_count');
  if (open !== undefined && max !== undefined && max > 0) {
    pushValue(values, address, 'fd-use', open / max);
    if (settled) {
      const f = forecastSeries(series, 'f', 'F', t, open, max, settings.forecast);
      if (f) pushValue(values, address, 'fd-exhaustion-hours', f.hours, { forecast: f });
    }
  }

  const memory: ServerMemory = { k };
  const limit = Number(server.conf?.maxClientCnxns);
  const busiest = busiestIp(server, before.ip);
  if (busiest && Number.isFinite(limit) && limit > 0) {
    pushValue(values, address, 'client-ip-use', busiest.count / limit, { subject: busiest.ip });
    if (busiest.ip !== before.ip) {
      delete series.i;
      delete series.I;
    }
    memory.ip = busiest.ip;
    if (settled) {
      const f = forecastSeries(series, 'i', 'I', t, busiest.count, limit, settings.forecast);
      if (f) pushValue(values, address, 'client-ip-exhaustion-hours', f.hours, { subject: busiest.ip, forecast: f });
    }
  } else if (before.ip !== undefined) {
    memory.ip = before.ip;
  }
  if (Object.keys(series).length > 0) memory.s = series;
  if (before.b) memory.b = before.b;

  const rejected = deltas.cr;
  const turnedAway: TurnedAway | undefined =
    rejected === undefined ? undefined : { server: address, rejected, ...(server.clients?.top[0] ? { busiest: { ...server.clients.top[0] } } : {}) };
  return turnedAway ? { values, memory, turnedAway } : { values, memory };
}

function pushValue(values: SignalValue[], server: string, signal: SignalName, value: number | undefined, extra?: Partial<SignalValue>): void {
  if (value !== undefined && Number.isFinite(value)) values.push(extra ? { signal, server, value, ...extra } : { signal, server, value });
}

function perMinute(delta: number | undefined, dtS: number): number | undefined {
  return delta === undefined ? undefined : delta / (dtS / 60);
}

/** The busiest client IP; on a tie the one already followed, so its series goes on. */
function busiestIp(server: ServerResult, followed: string | undefined): { ip: string; count: number } | undefined {
  const top = server.clients?.top;
  const first = top?.[0];
  if (!top || !first) return undefined;
  const same = followed !== undefined ? top.find((c) => c.ip === followed && c.count === first.count) : undefined;
  return same ?? first;
}

/** Appends `value` to the fine and coarse series `fine`/`coarse` in `series` and forecasts time to `limit`. */
function forecastSeries(series: Record<string, string>, fine: string, coarse: string, t: number, value: number, limit: number, s: ForecastSettings): Forecast | undefined {
  const short = appendPacked(series[fine], t, value, FINE_SERIES);
  const long = appendPacked(series[coarse], t, value, COARSE_SERIES);
  series[fine] = short.packed;
  series[coarse] = long.packed;
  return timeToLimit(long.series, short.series, t, limit, s);
}

/**
 * Each serving server's reply time to the probe minus the median of its serving peers',
 * as the median of the last REPLY_SERIES.points rounds: a GC pause delays one reply by
 * seconds and is not a trend, a server that stays slow is.
 */
function replyTimeExcess(serving: readonly ServerResult[], mem: EnsembleState['mem'], t: number): SignalValue[] {
  if (serving.length < 2) return [];
  const out: SignalValue[] = [];
  for (const s of serving) {
    const peers: number[] = [];
    for (const p of serving) if (p !== s) peers.push(p.durationMs);
    const memory = (mem[s.address] ??= {});
    const { series, packed } = appendPacked(memory.s?.x, t, s.durationMs - median(peers), REPLY_SERIES);
    (memory.s ??= {}).x = packed;
    if (series.values.length >= MIN_REPLY_SAMPLES) out.push({ signal: 'reply-time-excess-ms', server: s.address, value: median(series.values) });
  }
  return out;
}

/**
 * A memory kept as it was, as this round's own object with its own series: every memory
 * the extraction returns is, so the rest of the round writes into them in place (the
 * reply-time series here, the learned baselines in evaluate-round) and the last state
 * never changes, even for an address listed twice, once not serving.
 */
function carried(memory: ServerMemory): ServerMemory {
  return memory.s ? { ...memory, s: { ...memory.s } } : { ...memory };
}

function slowest(...steps: (number | undefined)[]): number | undefined {
  const known = steps.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return known.length > 0 ? Math.max(...known) : undefined;
}

function ensembleSignals(round: ProbeRound): SignalValue[] {
  const out: SignalValue[] = [];
  const { pendingSyncs, zxidSpread } = round.ensemble;
  if (pendingSyncs !== undefined) out.push({ signal: 'pending-syncs', value: pendingSyncs });
  if (zxidSpread !== undefined) out.push({ signal: 'zxid-lag', value: zxidSpread });
  const canary = round.canary;
  if (canary?.ok) {
    const s = canary.steps;
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
  const list = previous.elections.filter((e) => parseIsoTime(e) > at - HOUR_MS);
  if (epoch !== undefined && previous.lastEpoch !== undefined && epoch > previous.lastEpoch) list.push(new Date(at).toISOString());
  const lastEpoch = epoch !== undefined && (previous.lastEpoch === undefined || epoch > previous.lastEpoch) ? epoch : previous.lastEpoch;
  const out: { list: string[]; lastEpoch?: number } = { list: list.slice(-MAX_ELECTIONS) };
  if (lastEpoch !== undefined) out.lastEpoch = lastEpoch;
  return out;
}

export function fdFraction(metrics: ServerResult['metrics']): number | undefined {
  const open = metricNumber(metrics, 'zk_open_file_descriptor_count');
  const max = metricNumber(metrics, 'zk_max_file_descriptor_count');
  if (open === undefined || max === undefined || !(max > 0)) return undefined;
  return open / max;
}
