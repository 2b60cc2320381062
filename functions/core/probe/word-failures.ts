/**
 * What the failures of single exchanges say while the same server answered others. The
 * server's mode and `error` describe the server as a whole (down, timing out, not
 * serving); a word that alone gave nothing is a different finding:
 *
 * - a blind spot: the probe has no data from that word this round (refused by the
 *   whitelist, timed out, turned away, or garbled), so every signal fed by it is off;
 * - a refused exchange: the server reset or closed one of the probe's own connections
 *   without a reply, or refused it, while it answered others. At `maxClientCnxns` for the
 *   probe's IP, or out of file descriptors, that is what clients are being told.
 *
 * When no exchange with the server answered there is nothing to contrast: neither is
 * recorded and the mode says what happened.
 */
import type { AdminCommand, AdminExchange, Exchange, ServerObservation } from './classify-server.ts';
import { parseWord } from './four-letter-words.ts';
import type { BlindSpot, BlindSpotReason, FourLetterWord, ProbeErrorKind, RefusedExchange, ServerResult } from '../../contract/probe-round.ts';

/** The server's own text is kept to this length in a blind spot. */
export const BLIND_SPOT_MESSAGE_CHARS = 200;

/** Failures that mean "the server would not talk to us on this connection". */
const TURNED_AWAY: ReadonlySet<ProbeErrorKind> = new Set(['connection-refused', 'connection-reset', 'no-reply']);

const REASON_FOR_KIND: Record<ProbeErrorKind, BlindSpotReason | undefined> = {
  'connection-refused': 'refused',
  'connection-reset': 'refused',
  'no-reply': 'refused',
  'connect-timeout': 'timeout',
  'reply-timeout': 'timeout',
  'reply-too-large': 'error',
  malformed: 'error',
  'tls-failed': 'error',
  'admin-error': 'error',
  'network-error': 'error',
  'not-whitelisted': 'not-whitelisted',
  // "Not currently serving" is the server's state, told by the mode, not a blind spot.
  'not-serving': undefined,
  // The checker's own failure (EMFILE…) says nothing about the server: checker-fault tells it.
  'checker-fault': undefined,
};

/**
 * AdminServer commands that carry a word's data: when the stand-in answered, the word's
 * refusal costs nothing (`source: 'admin-server'` says where the metrics came from).
 */
const STAND_IN: Partial<Record<FourLetterWord, AdminCommand>> = { mntr: 'monitor', conf: 'configuration', cons: 'connections' };

export type WordFailures = Pick<ServerResult, 'blindSpots' | 'refusedExchanges'>;

export function wordFailures(obs: ServerObservation): WordFailures {
  const words = Object.entries(obs.words) as [FourLetterWord, Exchange | undefined][];
  const admin = Object.entries(obs.admin ?? {}) as [AdminCommand, AdminExchange | undefined][];
  const answered = [...words, ...admin].some(([, exchange]) => exchange?.ok === true);
  if (!answered) return {};

  const blindSpots: BlindSpot[] = [];
  const refusedExchanges: RefusedExchange[] = [];
  for (const [word, exchange] of words) {
    if (!exchange) continue;
    if (!exchange.ok && TURNED_AWAY.has(exchange.error.kind)) refusedExchanges.push({ word, kind: exchange.error.kind });
    const standIn = STAND_IN[word];
    if (standIn && answeredWell(obs.admin?.[standIn])) continue;
    const spot = wordBlindSpot(word, exchange);
    if (spot) blindSpots.push(spot);
  }
  for (const [command, exchange] of admin) {
    if (!exchange) continue;
    if (!exchange.ok && TURNED_AWAY.has(exchange.error.kind)) refusedExchanges.push({ word: `admin:${command}`, kind: exchange.error.kind });
    const spot = adminBlindSpot(command, exchange);
    if (spot) blindSpots.push(spot);
  }
  const out: WordFailures = {};
  if (blindSpots.length > 0) out.blindSpots = blindSpots;
  if (refusedExchanges.length > 0) out.refusedExchanges = refusedExchanges;
  return out;
}

function wordBlindSpot(word: FourLetterWord, exchange: Exchange): BlindSpot | undefined {
  if (!exchange.ok) return spotFor(word, exchange.error.kind, exchange.error.message);
  const parsed = parseWord(word, exchange.text);
  switch (parsed.kind) {
    case 'ok':
    case 'not-serving':
      return undefined;
    case 'not-whitelisted':
      return spotFor(word, 'not-whitelisted', parsed.text);
    case 'malformed':
      return spotFor(word, 'malformed', parsed.reason);
  }
}

function adminBlindSpot(command: AdminCommand, exchange: AdminExchange): BlindSpot | undefined {
  const word = `admin:${command}`;
  if (!exchange.ok) return spotFor(word, exchange.error.kind, exchange.error.message);
  if (exchange.truncated) return undefined;
  // A 500 page without quorum is the not-serving state, which the mode already reports.
  if (exchange.status === 200 && exchange.json && typeof exchange.json.error !== 'string') return undefined;
  if (/not currently serving requests|"zkServer" is null|&quot;zkServer&quot; is null/i.test(exchange.text)) return undefined;
  const detail = typeof exchange.json?.error === 'string' ? exchange.json.error : `HTTP ${exchange.status}`;
  return spotFor(word, 'admin-error', detail);
}

function answeredWell(exchange: AdminExchange | undefined): boolean {
  if (exchange?.ok !== true || exchange.status !== 200) return false;
  // A connection list cut at the byte cap is no JSON, but its counts are in the round.
  return exchange.truncated === true || (exchange.json !== undefined && typeof exchange.json.error !== 'string');
}

function spotFor(word: string, kind: ProbeErrorKind, message: string): BlindSpot | undefined {
  const reason = REASON_FOR_KIND[kind];
  if (!reason) return undefined;
  const text = message.trim();
  return { word, reason, message: text.length <= BLIND_SPOT_MESSAGE_CHARS ? text : `${text.slice(0, BLIND_SPOT_MESSAGE_CHARS - 1)}…` };
}
