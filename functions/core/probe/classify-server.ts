import {
  normalizeZxid,
  parseConf,
  parseIsro,
  parseMntr,
  parseRuok,
  parseSrvr,
  splitZxid,
  toNumber,
  type Parsed,
} from './four-letter-words.ts';
import { serverText } from '../text/server-text.ts';
import type {
  FourLetterWord,
  MetricValue,
  ProbeError,
  ProbeErrorKind,
  ServerMode,
  ServerResult,
  ServerSummary,
} from '../../contract/probe-round.ts';

/** The raw outcome of one exchange, as the probe's I/O layer reports it. */
export type Exchange = { ok: true; text: string; ms: number; truncated?: boolean } | { ok: false; error: ProbeError; ms: number };

/** `configuration` and `connections` stand in for a refused `conf` and `cons`. */
export type AdminCommand = 'monitor' | 'leader' | 'ruok' | 'configuration' | 'connections';

/** An AdminServer reply: the HTTP status and the body (JSON when it parsed). */
export type AdminExchange =
  | { ok: true; status: number; text: string; json?: Record<string, unknown>; ms: number; truncated?: boolean }
  | { ok: false; error: ProbeError; ms: number };

/** Everything the probe heard from one server in one round. */
export interface ServerObservation {
  address: string;
  words: Partial<Record<FourLetterWord, Exchange>>;
  admin?: Partial<Record<AdminCommand, AdminExchange>>;
  durationMs: number;
}

const NOT_SERVING = /not currently serving requests/i;
const ZK_SERVER_NULL = /&quot;zkServer&quot; is null|"zkServer" is null/;

/** How a transport failure reads as a server mode. */
const MODE_FOR_ERROR: Record<ProbeErrorKind, ServerMode> = {
  'connection-refused': 'unreachable',
  'network-error': 'unreachable',
  'tls-failed': 'unreachable',
  'connection-reset': 'unreachable',
  'no-reply': 'not-serving',
  'connect-timeout': 'timeout',
  'reply-timeout': 'timeout',
  'reply-too-large': 'malformed',
  malformed: 'malformed',
  'not-serving': 'not-serving',
  'not-whitelisted': 'not-whitelisted',
  'admin-error': 'unreachable',
  'checker-fault': 'unprobed',
};

/** A server's own word for its state (`Mode:`, `zk_server_state`) as our mode. */
const MODE_FOR_STATE: Record<string, ServerMode> = {
  leader: 'leader',
  follower: 'follower',
  observer: 'observer',
  standalone: 'standalone',
  'read-only': 'read-only',
  readonly: 'read-only',
};

function modeFromState(state: string): ServerMode | undefined {
  return MODE_FOR_STATE[state.trim().toLowerCase()];
}

interface Verdict {
  mode: ServerMode;
  error?: ProbeError;
}

/** A word's reply parsed, or the error that stands for it. */
function outcome<T>(exchange: Exchange | undefined, parse: (t: string) => Parsed<T>, word: string): { value?: T; error?: ProbeError } {
  if (!exchange) return {};
  if (!exchange.ok) return { error: exchange.error };
  const parsed = parse(exchange.text);
  switch (parsed.kind) {
    case 'ok':
      return { value: parsed.value };
    case 'not-serving':
      return { error: { kind: 'not-serving', message: `${word} answered ${serverText(parsed.text)}`, source: word } };
    case 'not-whitelisted':
      return { error: { kind: 'not-whitelisted', message: `${word} answered ${serverText(parsed.text)}`, source: word } };
    case 'malformed':
      return { error: { kind: 'malformed', message: parsed.reason, source: word } };
  }
}

/**
 * The AdminServer's `monitor` as `mntr`-named metrics, or the error it stands for. Without
 * quorum `monitor` fails with an HTTP 500 page (a NullPointerException on the absent
 * `zkServer`) while `leader` and `ruok` answer 200 with an `error` field that says so.
 */
function adminMetrics(admin: ServerObservation['admin']): { value?: Record<string, MetricValue>; error?: ProbeError } {
  const monitor = admin?.monitor;
  if (!monitor) return {};
  if (!monitor.ok) return { error: monitor.error };
  const refusedBy = (['monitor', 'leader', 'ruok'] as const).find((cmd) => {
    const reply = admin[cmd];
    return reply?.ok && (NOT_SERVING.test(reply.text) || (cmd === 'monitor' && reply.status === 500 && ZK_SERVER_NULL.test(reply.text)));
  });
  if (refusedBy) {
    return { error: { kind: 'not-serving', message: 'AdminServer: not currently serving requests', source: `admin:${refusedBy}` } };
  }
  const bodyError = monitor.json?.error;
  if (monitor.status !== 200 || !monitor.json) {
    return { error: { kind: 'admin-error', message: `AdminServer monitor answered HTTP ${monitor.status}`, source: 'admin:monitor' } };
  }
  if (typeof bodyError === 'string') return { error: { kind: 'admin-error', message: `AdminServer said ${serverText(bodyError)}`, source: 'admin:monitor' } };
  const metrics: Record<string, MetricValue> = {};
  for (const [key, value] of Object.entries(monitor.json)) {
    if (key === 'command' || key === 'error') continue;
    const name = key.startsWith('zk_') ? key : `zk_${key}`;
    if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value;
    else if (typeof value === 'string') metrics[name] = value;
  }
  return { value: metrics };
}

/** `srvr`-like summary from `mntr` names, for when `srvr` was not available. */
function summaryFromMetrics(m: Record<string, MetricValue>): ServerSummary {
  const num = (k: string) => (typeof m[k] === 'number' ? (m[k] as number) : undefined);
  const summary: ServerSummary = {};
  if (typeof m.zk_version === 'string') summary.version = m.zk_version;
  const [min, avg, max] = [num('zk_min_latency'), num('zk_avg_latency'), num('zk_max_latency')];
  if (min !== undefined && avg !== undefined && max !== undefined) summary.latency = { min, avg, max };
  const connections = num('zk_num_alive_connections');
  if (connections !== undefined) summary.connections = connections;
  const outstanding = num('zk_outstanding_requests');
  if (outstanding !== undefined) summary.outstanding = outstanding;
  const nodes = num('zk_znode_count');
  if (nodes !== undefined) summary.nodeCount = nodes;
  if (typeof m.zk_server_state === 'string') summary.mode = m.zk_server_state;
  return summary;
}

/**
 * Classifies one server from what it said. `srvr` decides the mode; `mntr` or the
 * AdminServer stand in when `srvr` is refused by the whitelist. `ruok` alone proves
 * nothing: a server without quorum still answers `imok`.
 */
export function classifyServer(obs: ServerObservation): ServerResult {
  const srvr = outcome(obs.words.srvr ?? obs.words.stat, parseSrvr, 'srvr');
  const mntr = outcome(obs.words.mntr, parseMntr, 'mntr');
  const ruok = outcome(obs.words.ruok, parseRuok, 'ruok');
  const isro = outcome(obs.words.isro, parseIsro, 'isro');
  const conf = outcome(obs.words.conf, parseConf, 'conf');
  const admin = adminMetrics(obs.admin);

  const metrics = mntr.value ?? admin.value ?? {};
  const source: ServerResult['source'] = mntr.value ? 'four-letter-words' : admin.value ? 'admin-server' : 'none';
  const summary: ServerSummary = srvr.value ? withoutClients(srvr.value) : summaryFromMetrics(metrics);

  const verdict = decide(srvr, summary, metrics, admin.error, mntr.error);
  if (verdict.mode !== 'read-only' && isro.value === 'ro' && isServingVerdict(verdict)) {
    verdict.mode = 'read-only';
  }

  const result: ServerResult = {
    address: obs.address,
    mode: verdict.mode,
    alive: ruok.value === true || isAdminRuokOk(obs.admin?.ruok),
    source,
    summary,
    metrics,
    durationMs: obs.durationMs,
    timings: timingsOf(obs),
  };
  if (verdict.error) result.error = verdict.error;
  if (conf.value) result.conf = conf.value;
  if (summary.zxid) {
    const parts = splitZxid(summary.zxid);
    if (parts) {
      result.epoch = parts.epoch;
      result.zxidCounter = parts.counter;
    }
  }
  return result;
}

function decide(
  srvr: { value?: ServerSummary; error?: ProbeError },
  summary: ServerSummary,
  metrics: Record<string, MetricValue>,
  adminError: ProbeError | undefined,
  mntrError: ProbeError | undefined,
): Verdict {
  if (srvr.value) {
    const mode = modeFromState(srvr.value.mode ?? '');
    if (mode) return { mode };
    return {
      mode: 'malformed',
      error: { kind: 'malformed', message: `unknown mode ${serverText(srvr.value.mode ?? '')}`, source: 'srvr' },
    };
  }
  // srvr is refused by the whitelist (or was not asked): fall back to mntr / AdminServer state.
  if (!srvr.error || srvr.error.kind === 'not-whitelisted') {
    const state = typeof metrics.zk_server_state === 'string' ? modeFromState(metrics.zk_server_state) : undefined;
    if (state) return { mode: state };
    if (summary.mode) {
      return { mode: 'malformed', error: { kind: 'malformed', message: `unknown server state ${serverText(summary.mode)}`, source: 'mntr' } };
    }
    const fallback = adminError ?? (mntrError?.kind !== 'not-whitelisted' ? mntrError : undefined);
    if (fallback) return { mode: MODE_FOR_ERROR[fallback.kind], error: fallback };
    const error = srvr.error ?? mntrError ?? { kind: 'not-whitelisted', message: 'neither srvr nor mntr was answered', source: 'srvr' };
    return { mode: 'not-whitelisted', error };
  }
  return { mode: MODE_FOR_ERROR[srvr.error.kind], error: srvr.error };
}

function isServingVerdict(v: Verdict): boolean {
  return ['leader', 'follower', 'observer', 'standalone'].includes(v.mode);
}

function isAdminRuokOk(exchange: AdminExchange | undefined): boolean {
  return exchange?.ok === true && exchange.status === 200 && exchange.json?.error === null;
}

function withoutClients(value: ServerSummary & { clients?: string[] }): ServerSummary {
  const { clients: _clients, ...summary } = value;
  if (summary.zxid) summary.zxid = normalizeZxid(summary.zxid);
  return summary;
}

function timingsOf(obs: ServerObservation): Record<string, number> {
  const timings: Record<string, number> = {};
  for (const [word, ex] of Object.entries(obs.words)) if (ex) timings[word] = ex.ms;
  for (const [cmd, ex] of Object.entries(obs.admin ?? {})) if (ex) timings[`admin:${cmd}`] = ex.ms;
  return timings;
}

/** A metric as a number, whether it came as a number or numeric text. */
export function metricNumber(metrics: Record<string, MetricValue>, key: string): number | undefined {
  const v = metrics[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return toNumber(v);
  return undefined;
}
