import type { FourLetterWord, Latency, MetricValue, ServerSummary } from '../../contract/probe-round.ts';

/**
 * Parsers for ZooKeeper's four-letter words, 3.4 through 3.9. They never throw: a reply is
 * either parsed, a refusal the server chose to give, or malformed with a reason. Servers
 * answer refusals as plain text in place of the reply, so every parser checks for them.
 */
export type Parsed<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'not-serving'; text: string }
  | { kind: 'not-whitelisted'; text: string }
  | { kind: 'malformed'; reason: string };

const NOT_SERVING = /not currently serving requests/i;
const NOT_WHITELISTED = /is not executed because it is not in the whitelist/i;

/**
 * Replies are untrusted input (up to the client's 1 MiB cap). Every parser here runs in
 * time linear in the reply: lines longer than this are skipped before any pattern sees
 * them (no ZooKeeper line is near it: a `cons` line is ~300 characters), and no pattern
 * can backtrack super-linearly (eslint-plugin-regexp checks that, and
 * test/unit/parser-linearity.test.ts measures it).
 */
export const MAX_LINE_CHARS = 4096;
/** The longest numeral a server prints is a 64-bit integer or a double: ~25 characters. */
export const MAX_NUMBER_CHARS = 64;
/** Refusal text kept for the round (the rest is the server's to say, not ours to store). */
const MAX_REFUSAL_CHARS = 200;

function refusal(text: string): Parsed<never> | undefined {
  if (NOT_SERVING.test(text)) return { kind: 'not-serving', text: capped(text.trim(), MAX_REFUSAL_CHARS) };
  if (NOT_WHITELISTED.test(text)) return { kind: 'not-whitelisted', text: capped(text.trim(), MAX_REFUSAL_CHARS) };
  return undefined;
}

const capped = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const malformed = (reason: string): Parsed<never> => ({ kind: 'malformed', reason });

/** Non-empty trimmed lines no longer than `MAX_LINE_CHARS`; longer ones are skipped whole. */
function lines(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.length > MAX_LINE_CHARS) continue;
    const trimmed = line.trim();
    if (trimmed.length > 0) out.push(trimmed);
  }
  return out;
}

// Unambiguous: the fraction needs its dot, so `\d+` and `\d*` can never trade digits.
const NUMERAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A finite number from ZooKeeper's text, or undefined. Accepts `12`, `0.5`, `-1`, `1e3`. */
export function toNumber(raw: string): number | undefined {
  if (raw.length > MAX_NUMBER_CHARS * 4) return undefined;
  const text = raw.trim();
  if (text.length > MAX_NUMBER_CHARS || !NUMERAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

export function parseRuok(text: string): Parsed<boolean> {
  const r = refusal(text);
  if (r) return r;
  const t = text.trim();
  if (t === 'imok') return { kind: 'ok', value: true };
  return malformed(`ruok answered ${JSON.stringify(t.slice(0, 40))}, expected "imok"`);
}

export type IsroState = 'rw' | 'ro' | 'null';

export function parseIsro(text: string): Parsed<IsroState> {
  const r = refusal(text);
  if (r) return r;
  const t = text.trim();
  if (t === 'rw' || t === 'ro' || t === 'null') return { kind: 'ok', value: t };
  return malformed(`isro answered ${JSON.stringify(t.slice(0, 40))}, expected rw, ro or null`);
}

function parseLatency(raw: string): Latency | undefined {
  const parts = raw.split('/').map((p) => toNumber(p));
  if (parts.length !== 3 || parts.some((p) => p === undefined)) return undefined;
  const [min, avg, max] = parts as [number, number, number];
  return { min, avg, max };
}

const ZXID = /^0x[0-9a-f]{1,16}$/i;

export interface StatReply extends ServerSummary {
  /** `stat` only: one line per client connection. */
  clients?: string[];
}

/** `srvr` and `stat` share their summary lines; `stat` adds a `Clients:` block. */
export function parseSrvr(text: string): Parsed<StatReply> {
  const r = refusal(text);
  if (r) return r;
  const out: StatReply = {};
  let inClients = false;
  for (const line of lines(text)) {
    if (line === 'Clients:') {
      inClients = true;
      out.clients = [];
      continue;
    }
    const colon = line.indexOf(':');
    if (inClients && line.startsWith('/')) {
      out.clients?.push(line);
      continue;
    }
    if (colon < 0) continue;
    inClients = false;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    switch (key) {
      case 'Zookeeper version':
        out.version = value;
        break;
      case 'Latency min/avg/max': {
        const latency = parseLatency(value);
        if (latency) out.latency = latency;
        break;
      }
      case 'Received':
        assignNumber(out, 'received', value);
        break;
      case 'Sent':
        assignNumber(out, 'sent', value);
        break;
      case 'Connections':
        assignNumber(out, 'connections', value);
        break;
      case 'Outstanding':
        assignNumber(out, 'outstanding', value);
        break;
      case 'Zxid':
        if (ZXID.test(value)) out.zxid = normalizeZxid(value);
        break;
      case 'Mode':
        out.mode = value;
        break;
      case 'Node count':
        assignNumber(out, 'nodeCount', value);
        break;
    }
  }
  if (out.mode === undefined) return malformed('no "Mode:" line in srvr/stat reply');
  return { kind: 'ok', value: out };
}

function assignNumber<K extends 'received' | 'sent' | 'connections' | 'outstanding' | 'nodeCount'>(
  out: ServerSummary,
  key: K,
  raw: string,
): void {
  const n = toNumber(raw);
  if (n !== undefined) out[key] = n;
}

/** Lower-case, no leading zeros: `0x00000001000000a2` and `0x1000000a2` are the same zxid. */
export function normalizeZxid(raw: string): string {
  const digits = raw.slice(2).toLowerCase().replace(/^0+(?=.)/, '');
  return `0x${digits}`;
}

/** Splits a 64-bit zxid into epoch (high 32 bits) and counter (low 32 bits). */
export function splitZxid(zxid: string): { epoch: number; counter: number } | undefined {
  if (!ZXID.test(zxid)) return undefined;
  const value = BigInt(zxid);
  return { epoch: Number(value >> 32n), counter: Number(value & 0xffffffffn) };
}

/**
 * `mntr`: tab-separated `zk_key value` lines. Numbers become numbers (integer or float,
 * whichever the version prints); everything else (`zk_version`, `zk_server_state`,
 * `zk_peer_state`) stays a string. Keys we do not know are kept as they are.
 */
export function parseMntr(text: string): Parsed<Record<string, MetricValue>> {
  const r = refusal(text);
  if (r) return r;
  const metrics: Record<string, MetricValue> = {};
  for (const line of lines(text)) {
    // `zk_key<TAB>value` (some versions pad with spaces): split at the first blank.
    const blank = line.search(/\s/);
    if (blank <= 0) continue;
    const key = line.slice(0, blank);
    const raw = line.slice(blank + 1).trim();
    metrics[key] = toNumber(raw) ?? raw;
  }
  if (Object.keys(metrics).length === 0) return malformed('no "key value" lines in mntr reply');
  return { kind: 'ok', value: metrics };
}

/** `key=value` lines (`conf`, and `envi` after its `Environment:` header). */
function parseKeyValues(text: string, what: string): Parsed<Record<string, string>> {
  const r = refusal(text);
  if (r) return r;
  const values: Record<string, string> = {};
  for (const line of lines(text)) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    values[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  if (Object.keys(values).length === 0) return malformed(`no "key=value" lines in ${what} reply`);
  return { kind: 'ok', value: values };
}

export const parseConf = (text: string): Parsed<Record<string, string>> => parseKeyValues(text, 'conf');
export const parseEnvi = (text: string): Parsed<Record<string, string>> => parseKeyValues(text, 'envi');

export interface WatchSummary {
  connections: number;
  paths: number;
  totalWatches: number;
}

// Anchored per line, with bounded counts: no start position is retried across a digit run.
const WCHS_HEAD = /^(\d{1,15}) +connections? +watching +(\d{1,15}) +paths?$/i;
const WCHS_TOTAL = /^Total watches: *(\d{1,15})$/i;

/** `wchs`: "N connections watching M paths" then "Total watches:W". */
export function parseWchs(text: string): Parsed<WatchSummary> {
  const r = refusal(text);
  if (r) return r;
  let head: RegExpExecArray | null = null;
  let total: RegExpExecArray | null = null;
  for (const line of lines(text)) {
    head ??= WCHS_HEAD.exec(line);
    total ??= WCHS_TOTAL.exec(line);
  }
  if (!head || !total) return malformed('wchs reply lacks "connections watching" or "Total watches"');
  return { kind: 'ok', value: { connections: Number(head[1]), paths: Number(head[2]), totalWatches: Number(total[1]) } };
}

export interface ClientConnection {
  address: string;
  /** The `(k=v,…)` fields, numbers where they are numbers (`queued`, `recved`, `avglat`, …). */
  fields: Record<string, MetricValue>;
}

/** `cons`: one line per connection, ` /127.0.0.1:51234[1](queued=0,recved=1,…)`. */
export function parseCons(text: string): Parsed<ClientConnection[]> {
  const r = refusal(text);
  if (r) return r;
  const out: ClientConnection[] = [];
  for (const line of lines(text)) {
    const connection = consLine(line);
    if (!connection) continue;
    const { address, body } = connection;
    const fields: Record<string, MetricValue> = {};
    for (const pair of body.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const raw = pair.slice(eq + 1);
      fields[pair.slice(0, eq)] = toNumber(raw) ?? raw;
    }
    out.push({ address, fields });
  }
  if (out.length === 0 && text.trim().length > 0) return malformed('no connection lines in cons reply');
  return { kind: 'ok', value: out };
}

/**
 * `/127.0.0.1:51234[1](body)` split by hand: the address up to the first `[digits](`,
 * then the body up to the final `)`. Each `[` is tried once and its digit run read once,
 * and digit runs do not overlap, so the scan is linear in the line.
 */
function consLine(line: string): { address: string; body: string } | undefined {
  if (!line.endsWith(')')) return undefined;
  const start = line.startsWith('/') ? 1 : 0;
  for (let open = line.indexOf('[', start + 1); open > 0; open = line.indexOf('[', open + 1)) {
    let end = open + 1;
    while (end < line.length && line.charCodeAt(end) >= 48 && line.charCodeAt(end) <= 57) end++;
    if (end === open + 1 || line[end] !== ']' || line[end + 1] !== '(') continue;
    const address = line.slice(start, open);
    if (/\s/.test(address)) return undefined;
    return { address, body: line.slice(end + 2, -1) };
  }
  return undefined;
}

/** One entry point, for callers that hold a word as data. */
export function parseWord(word: FourLetterWord, text: string): Parsed<unknown> {
  switch (word) {
    case 'ruok':
      return parseRuok(text);
    case 'srvr':
    case 'stat':
      return parseSrvr(text);
    case 'mntr':
      return parseMntr(text);
    case 'conf':
      return parseConf(text);
    case 'isro':
      return parseIsro(text);
    case 'envi':
      return parseEnvi(text);
    case 'wchs':
      return parseWchs(text);
    case 'cons':
      return parseCons(text);
  }
}
