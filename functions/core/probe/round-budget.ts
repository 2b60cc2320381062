/**
 * A stored round always fits its item. DynamoDB rejects an item over 400 KB, and a
 * rejected round is a round never evaluated: a hostile `Mode:` of 450 KB next to a server
 * that is really down would hide the down server. Much of a round is text the servers (or
 * znodes) chose, so the budget is enforced by construction, as a layer over whatever
 * fields a round has (it walks values, not a field list, so fields added later are capped
 * too):
 *
 * 1. every string is cut to `MAX_STORED_STRING_CHARS` (object keys to
 *    `MAX_STORED_KEY_CHARS`, metric text to `MAX_METRIC_TEXT_CHARS`), with a marker;
 *    arrays below the top level keep `MAX_STORED_ARRAY_ITEMS`;
 * 2. if the round still serializes to more than the budget, the detail goes and the
 *    verdicts stay (modes, errors, the ensemble view, the canary, znode rule statuses and
 *    digests), so the evaluator still sees every server down and every rule violated;
 * 3. if even that is over (hundreds of servers), only mode, error and address per server
 *    are kept.
 *
 * `trimmed` on the round says which step it took.
 */
import type { ProbeRound, ServerResult, ZnodeCheckResult } from '../../contract/probe-round.ts';

/** DynamoDB's item limit is 400 KB; the round attribute gets well under it, leaving room for keys and other attributes. */
export const ROUND_BUDGET_BYTES = 256 * 1024;
export const MAX_STORED_STRING_CHARS = 1024;
export const MAX_STORED_KEY_CHARS = 128;
/** A metric that is text (`zk_version`, `zk_server_state`) is short; longer text is not a metric. */
export const MAX_METRIC_TEXT_CHARS = 128;
export const MAX_STORED_ARRAY_ITEMS = 256;
/** Marks a value that was cut for storage. */
export const CUT_MARKER = '…[cut]';

/** Detail kept per server when the detail has to go: numeric metrics and conf entries, the first ones. */
const VERDICT_METRICS = 64;
const VERDICT_CONF = 16;
/** A field this layer does not know (added by a later round version) stays in the verdicts-only form when this small. */
const SMALL_FIELD_BYTES = 512;
const VERDICT_MESSAGE_CHARS = 200;

export type RoundTrim = NonNullable<ProbeRound['trimmed']>;

const encoder = new TextEncoder();
export const serializedBytes = (value: unknown): number => encoder.encode(JSON.stringify(value)).length;

export function fitRoundToBudget(round: ProbeRound, budgetBytes = ROUND_BUDGET_BYTES): ProbeRound {
  const cut = { any: false };
  const capped = capValue(round, cut, 0, '') as ProbeRound;
  const first = cut.any ? { ...capped, trimmed: 'strings' as const } : capped;
  if (serializedBytes(first) <= budgetBytes) return first;
  const verdicts: ProbeRound = { ...verdictsOnly(capped), trimmed: 'detail' };
  if (serializedBytes(verdicts) <= budgetBytes) return verdicts;
  return { ...bareVerdicts(verdicts), trimmed: 'verdicts-only' };
}

export function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - CUT_MARKER.length))}${CUT_MARKER}`;
}

function capValue(value: unknown, cut: { any: boolean }, depth: number, key: string): unknown {
  if (typeof value === 'string') {
    const max = key === 'metric' ? MAX_METRIC_TEXT_CHARS : MAX_STORED_STRING_CHARS;
    if (value.length <= max) return value;
    cut.any = true;
    return cutText(value, max);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) {
    // The top-level `servers` list is the configured ensemble: never shortened.
    const kept = depth > 1 && value.length > MAX_STORED_ARRAY_ITEMS ? value.slice(0, MAX_STORED_ARRAY_ITEMS) : value;
    if (kept !== value) cut.any = true;
    return kept.map((item) => capValue(item, cut, depth + 1, ''));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const childKey = key === 'metrics' ? 'metric' : '';
    for (const [k, v] of Object.entries(value)) {
      let name = k;
      if (name.length > MAX_STORED_KEY_CHARS) {
        cut.any = true;
        name = cutText(name, MAX_STORED_KEY_CHARS);
        // Two long keys with one prefix must not overwrite each other.
        for (let n = 2; name in out; n++) name = `${cutText(k, MAX_STORED_KEY_CHARS - String(n).length - 1)}#${n}`;
      }
      const capped = capValue(v, cut, depth + 1, childKey || k);
      if (capped !== undefined) out[name] = capped;
    }
    return out;
  }
  return value;
}

const KNOWN_SERVER_FIELDS = new Set(['address', 'mode', 'error', 'alive', 'source', 'summary', 'metrics', 'conf', 'epoch', 'zxidCounter', 'durationMs', 'timings']);

function verdictsOnly(round: ProbeRound): ProbeRound {
  const out: ProbeRound = { ...round, servers: round.servers.map(serverVerdict) };
  if (round.znodes) out.znodes = round.znodes.map(znodeVerdict);
  return out;
}

function serverVerdict(server: ServerResult): ServerResult {
  const { summary } = server;
  const out: ServerResult = {
    address: server.address,
    mode: server.mode,
    alive: server.alive,
    source: server.source,
    summary: pickDefined({
      mode: summary.mode === undefined ? undefined : cutText(summary.mode, MAX_METRIC_TEXT_CHARS),
      zxid: summary.zxid,
      latency: summary.latency,
      connections: summary.connections,
      outstanding: summary.outstanding,
      nodeCount: summary.nodeCount,
    }),
    metrics: Object.fromEntries(Object.entries(server.metrics).filter(([, v]) => typeof v === 'number').slice(0, VERDICT_METRICS)),
    durationMs: server.durationMs,
    timings: {},
  };
  if (server.error) out.error = { ...server.error, message: cutText(server.error.message, VERDICT_MESSAGE_CHARS) };
  if (server.conf) out.conf = Object.fromEntries(Object.entries(server.conf).slice(0, VERDICT_CONF));
  if (server.epoch !== undefined) out.epoch = server.epoch;
  if (server.zxidCounter !== undefined) out.zxidCounter = server.zxidCounter;
  // Fields of later round versions: kept when small, so a verdict they carry survives.
  for (const [key, value] of Object.entries(server)) {
    if (!KNOWN_SERVER_FIELDS.has(key) && serializedBytes(value) <= SMALL_FIELD_BYTES) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}

function znodeVerdict(result: ZnodeCheckResult): ZnodeCheckResult {
  const { children: _children, openAcls: _openAcls, ...kept } = result;
  const out: ZnodeCheckResult = { ...kept, detail: cutText(result.detail, VERDICT_MESSAGE_CHARS) };
  if (result.data) {
    const { keyHashes: _keyHashes, content: _content, ...digest } = result.data;
    out.data = digest;
  }
  return out;
}

function bareVerdicts(round: ProbeRound): ProbeRound {
  const servers = round.servers.map((s): ServerResult => {
    const bare: ServerResult = { address: s.address, mode: s.mode, alive: s.alive, source: s.source, summary: {}, metrics: {}, durationMs: s.durationMs, timings: {} };
    if (s.error) bare.error = { kind: s.error.kind, message: cutText(s.error.message, 40), ...(s.error.source ? { source: s.error.source } : {}) };
    return bare;
  });
  const znodes = round.znodes?.map((z): ZnodeCheckResult => ({ rule: cutText(z.rule, 64), check: z.check, path: cutText(z.path, 64), status: z.status, detail: cutText(z.detail, 40), reads: z.reads }));
  return { ...round, servers, ...(znodes ? { znodes } : {}) };
}

function pickDefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
