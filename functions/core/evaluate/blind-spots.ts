/**
 * Blind spots (item 6 of issue 13): a signal that silently has no data is worse than a
 * false alarm, because everything looks calm. Which word (and which fields of its reply)
 * feed which signal is written down here once; a server that answers but whose words or
 * fields leave signals without input raises one `blind-spot` notice naming the words, the
 * server's own message, the signals that are off and the fix.
 *
 * A notice is `info`: it fires once (no reminders, see alert-lifecycle), resolves when the
 * data comes back and never pages (an alarms-only email subscription does not match the
 * `info` severity). A server that is down, timing out or not serving is an alarm's
 * business, not a blind spot; a server whose whitelist refuses both `srvr` and `mntr`
 * (mode `not-whitelisted`) raises no alarm at all, so it is the worst blind spot of all.
 */
import { metricNumber } from '../probe/classify-server.ts';
import { isServing, type BlindSpot, type ProbeRound, type ServerMode, type ServerResult } from '../../contract/probe-round.ts';
import { canChange, type AlertCondition, type StoredKeys } from './alert-lifecycle.ts';
import type { SignalName } from '../../contract/signal-catalog.ts';
import { serverAlertKey } from './server-alert-key.ts';
import { serverText } from '../text/server-text.ts';

/** The words whose replies carry signal inputs. */
export type InputWord = 'srvr' | 'mntr' | 'conf' | 'cons';

export interface SignalInput {
  /** Words that can carry the input, preferred first; the AdminServer's `monitor` stands in for `mntr`. */
  words: readonly InputWord[];
  /** The fields read, as the reply names them. */
  fields: readonly string[];
  /** Whether this round's result has the input. */
  present: (server: ServerResult) => boolean;
  /**
   * Versions whose reply lacks the field although the word answers: a known gap of that
   * version, documented in docs/THRESHOLDS.md, not a blind spot of this server (a notice on
   * every such server forever would teach operators to ignore notices). Refusing the word
   * still blinds the signal.
   */
  absentIn?: string;
}

export interface SignalInputs {
  inputs: readonly SignalInput[];
  /** Only servers in these modes report it (an ensemble signal from the leader's reply). @default every mode */
  modes?: readonly ServerMode[];
}

/** The leader's replies: a standalone server has no followers and reports no zk_pending_syncs. */
const LEADER: readonly ServerMode[] = ['leader'];
const LEADER_OR_STANDALONE: readonly ServerMode[] = ['leader', 'standalone'];

const metric = (...keys: string[]): SignalInput => ({
  words: ['mntr'],
  fields: keys,
  present: (s) => hasMetrics(s, keys),
});

function hasMetrics(s: ServerResult, keys: readonly string[]): boolean {
  for (const k of keys) if (metricNumber(s.metrics, k) === undefined) return false;
  return true;
}

const zxid: SignalInput = { words: ['srvr'], fields: ['Zxid'], present: (s) => s.summary.zxid !== undefined };
const fdCounts = metric('zk_open_file_descriptor_count', 'zk_max_file_descriptor_count');
const maxClientCnxns: SignalInput = { words: ['conf'], fields: ['maxClientCnxns'], present: (s) => s.conf?.maxClientCnxns !== undefined };
const clientIps: SignalInput = { words: ['cons'], fields: ['connection lines'], present: (s) => s.clients !== undefined };
/** Summaries with cnt/sum/quantiles (`zk_sum_readlatency`, …) came with 3.6's metrics system. */
const BEFORE_3_6 = 'ZooKeeper before 3.6';

/**
 * Every signal that reads a server's replies, with what it reads. Canary signals read the
 * canary session and `reply-time-excess-ms` the probe's own exchange times, not a word, so
 * they are not listed. When a signal starts reading another
 * field, add it here (and to STORED_METRICS in compact-round.ts).
 */
export const SIGNAL_INPUTS: Partial<Record<SignalName, SignalInputs>> = {
  'read-latency-ms': { inputs: [{ ...metric('zk_sum_readlatency', 'zk_cnt_readlatency'), absentIn: BEFORE_3_6 }] },
  'write-latency-ms': { inputs: [{ ...metric('zk_sum_updatelatency', 'zk_cnt_updatelatency'), absentIn: BEFORE_3_6 }] },
  'read-latency-p99-ms': { inputs: [{ ...metric('zk_p99_readlatency'), absentIn: BEFORE_3_6 }] },
  'write-latency-p99-ms': { inputs: [{ ...metric('zk_p99_updatelatency'), absentIn: BEFORE_3_6 }] },
  'jvm-pause-ms-per-min': { inputs: [{ ...metric('zk_sum_jvm_pause_time_ms'), absentIn: BEFORE_3_6 }] },
  'fsync-exceed-per-min': { inputs: [{ ...metric('zk_fsync_threshold_exceed_count'), absentIn: "3.8.0's mntr (measured; 3.4's and 3.9's have it)" }] },
  'outstanding-requests': {
    inputs: [{ words: ['srvr', 'mntr'], fields: ['Outstanding', 'zk_outstanding_requests'], present: (s) => s.summary.outstanding !== undefined || metricNumber(s.metrics, 'zk_outstanding_requests') !== undefined }],
  },
  'pending-syncs': { inputs: [metric('zk_pending_syncs')], modes: LEADER },
  'fd-use': { inputs: [fdCounts] },
  'fd-exhaustion-hours': { inputs: [fdCounts] },
  'client-ip-use': { inputs: [maxClientCnxns, clientIps] },
  'client-ip-exhaustion-hours': { inputs: [maxClientCnxns, clientIps] },
  'connections-total': {
    inputs: [{ words: ['srvr', 'mntr'], fields: ['Connections', 'zk_num_alive_connections'], present: (s) => s.summary.connections !== undefined || metricNumber(s.metrics, 'zk_num_alive_connections') !== undefined }],
  },
  'znode-growth': { inputs: [metric('zk_znode_count')] },
  'watch-growth': { inputs: [metric('zk_watch_count')] },
  'data-size-growth': { inputs: [metric('zk_approximate_data_size')] },
  'elections-per-hour': { inputs: [zxid], modes: LEADER_OR_STANDALONE },
  'zxid-lag': { inputs: [zxid] },
  'zxid-rollover-hours': { inputs: [zxid], modes: LEADER_OR_STANDALONE },
  'latency-avg': {
    inputs: [{ words: ['srvr', 'mntr'], fields: ['Latency min/avg/max', 'zk_avg_latency'], present: (s) => s.summary.latency?.avg !== undefined || metricNumber(s.metrics, 'zk_avg_latency') !== undefined }],
  },
  'latency-max': {
    inputs: [{ words: ['srvr', 'mntr'], fields: ['Latency min/avg/max', 'zk_max_latency'], present: (s) => s.summary.latency?.max !== undefined || metricNumber(s.metrics, 'zk_max_latency') !== undefined }],
  },
};

/**
 * Rounds a blind spot from a timeout, a turned-away connection or a garbled reply must
 * last before the notice: one slow `mntr` in a busy minute is not a blind spot. A whitelist
 * refusal or a missing field is the server's configuration or version and is told at once.
 */
export const TRANSIENT_BLIND_SPOT_ROUNDS = 3;

/** One word's part in a server's blind spot. */
export interface BlindWord {
  word: InputWord;
  /** The probe's record when the word gave nothing; absent when it answered without the fields. */
  spot?: BlindSpot;
  /** Fields the answer lacked (only when `spot` is absent). */
  missingFields?: string[];
  signals: SignalName[];
}

/** Signals the thresholds document switched off are not blind: nobody is relying on them. */
export type SignalModes = Partial<Record<SignalName, { mode: string }>>;

/** What one server cannot tell this round, by word. Empty when every signal in use has its input. */
export function blindWords(server: ServerResult, modes: SignalModes = {}): BlindWord[] {
  if (!isObservable(server)) return [];
  // First each input once: almost always none is missing by a word's fault, and then no signal needs looking at.
  const blame = new Map<SignalInput, readonly InputWord[]>();
  for (const { input, modes: reportedIn } of DISTINCT_INPUTS) {
    if ((reportedIn !== undefined && !reportsIn(server, reportedIn)) || input.present(server)) continue;
    const words = blamed(server, input);
    if (words.length > 0) blame.set(input, words);
  }
  if (blame.size === 0) return [];
  const byWord = new Map<InputWord, BlindWord>();
  for (const [signal, needs] of SIGNAL_INPUT_ENTRIES) {
    if (modes[signal]?.mode === 'off' || !reports(server, needs)) continue;
    for (const input of needs.inputs) {
      for (const word of blame.get(input) ?? NO_WORDS) {
        const e = entry(byWord, server, word);
        if (!e.signals.includes(signal)) e.signals.push(signal);
        if (!e.spot) e.missingFields = [...new Set([...(e.missingFields ?? []), ...fieldsOf(input, word)])];
      }
    }
  }
  return [...byWord.values()].filter((w) => w.signals.length > 0).sort((a, b) => a.word.localeCompare(b.word));
}

const NO_WORDS: readonly InputWord[] = [];

/**
 * The words to blame for a missing input: those that failed; else the first that answered
 * without the fields (none when the version is known to lack them). A word that neither
 * failed nor answered was not asked (the probe's `words` option). Most servers record no
 * failed word at all, so that search is skipped.
 */
function blamed(server: ServerResult, input: SignalInput): readonly InputWord[] {
  const failed = server.blindSpots?.length ? input.words.filter((w) => spotOf(server, w) !== undefined) : NO_WORDS;
  if (failed.length > 0 || input.absentIn !== undefined) return failed;
  const answered = input.words.find((w) => ANSWERED[w](server));
  return answered === undefined ? NO_WORDS : [answered];
}

const SIGNAL_INPUT_ENTRIES = Object.entries(SIGNAL_INPUTS) as [SignalName, SignalInputs][];

/** A server that is down, timing out or not serving is an alarm's business; one refusing srvr and mntr is the worst blind spot. */
function isObservable(server: ServerResult): boolean {
  return isServing(server.mode) || server.mode === 'not-whitelisted';
}

/** A server refusing srvr and mntr has no known role: whatever a leader reports is missing too. */
function reports(server: ServerResult, needs: SignalInputs): boolean {
  return needs.modes === undefined || reportsIn(server, needs.modes);
}

function reportsIn(server: ServerResult, modes: readonly ServerMode[]): boolean {
  return server.mode === 'not-whitelisted' || modes.includes(server.mode);
}

/** Each input once (several signals share zxid, the fd counts, the client-IP pair), with the modes that report it (undefined: every mode). */
const DISTINCT_INPUTS: readonly { input: SignalInput; modes?: readonly ServerMode[] }[] = distinctInputs();

function distinctInputs(): { input: SignalInput; modes?: ServerMode[] }[] {
  const byInput = new Map<SignalInput, { input: SignalInput; modes?: ServerMode[] }>();
  for (const [, needs] of SIGNAL_INPUT_ENTRIES) {
    for (const input of needs.inputs) {
      const known = byInput.get(input);
      if (!known) byInput.set(input, needs.modes === undefined ? { input } : { input, modes: [...needs.modes] });
      else if (needs.modes === undefined) delete known.modes;
      else known.modes?.push(...needs.modes);
    }
  }
  return [...byInput.values()];
}

function entry(byWord: Map<InputWord, BlindWord>, server: ServerResult, word: InputWord): BlindWord {
  let found = byWord.get(word);
  if (!found) {
    found = { word, signals: [] };
    const spot = spotOf(server, word);
    if (spot) found.spot = spot;
    byWord.set(word, found);
  }
  return found;
}

/** The AdminServer command the probe asks in place of a refused word. */
const ADMIN_STAND_IN: Partial<Record<InputWord, string>> = { mntr: 'monitor', conf: 'configuration', cons: 'connections' };

/** Whether the round shows that the word answered (compact rounds keep no per-word timings). */
const ANSWERED: Record<InputWord, (s: ServerResult) => boolean> = {
  mntr: (s) => s.source !== 'none',
  conf: (s) => s.conf !== undefined,
  cons: (s) => s.clients !== undefined,
  srvr: (s) => s.summary.zxid !== undefined || s.summary.latency !== undefined,
};

/** The fields of `input` that `word`'s reply would carry (srvr names them in prose, mntr as `zk_…`). */
function fieldsOf(input: SignalInput, word: InputWord): string[] {
  if (input.words.length === 1) return [...input.fields];
  const field = input.fields[input.words.indexOf(word)];
  return field === undefined ? [...input.fields] : [field];
}

/** The probe's record of a word that gave nothing (for `mntr`, only when its AdminServer stand-in failed too). */
function spotOf(server: ServerResult, word: InputWord): BlindSpot | undefined {
  return server.blindSpots?.find((s) => s.word === word);
}

/**
 * The `blind-spot` condition of every server in the round, raised or clear. Given the
 * stored alerts' keys, only the conditions that can change something (canChange): a server
 * without a blind spot and without one stored to clear gets none.
 */
export function blindSpotConditions(round: ProbeRound, modes: SignalModes = {}, stored?: StoredKeys): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  for (const server of round.servers) {
    const words = isObservable(server) ? blindWords(server, modes) : undefined;
    const state = words === undefined ? 'hold' : words.length > 0 ? 'raise' : 'clear';
    if (canChange(stored, serverAlertKey('blind-spot', server.address), state)) conditions.push(conditionOf(server, words));
  }
  return conditions;
}

export function blindSpotCondition(server: ServerResult, modes: SignalModes = {}): AlertCondition {
  return conditionOf(server, isObservable(server) ? blindWords(server, modes) : undefined);
}

/** The condition of a server with these blind words; undefined words: the server is not observable. */
function conditionOf(server: ServerResult, words: readonly BlindWord[] | undefined): AlertCondition {
  if (words === undefined) {
    // Down or not serving (an alarm says so): nothing to learn about its words, so a blind
    // spot neither resolves nor starts. Otherwise each restart would resolve and refire it.
    return {
      alertKey: serverAlertKey('blind-spot', server.address),
      alertName: 'blind-spot',
      level: 'info',
      server: server.address,
      state: 'hold',
      summary: `blind spot on ${server.address}: not observable while the server is ${server.mode}`,
      forRounds: 1,
      signals: [],
    };
  }
  return {
    alertKey: serverAlertKey('blind-spot', server.address),
    alertName: 'blind-spot',
    level: 'info',
    server: server.address,
    state: words.length > 0 ? 'raise' : 'clear',
    summary: words.length > 0 ? describeBlindSpot(server.address, words) : `blind spot on ${server.address} gone: every signal has its data again`,
    forRounds: words.some((w) => w.spot === undefined || w.spot.reason === 'not-whitelisted') ? 1 : TRANSIENT_BLIND_SPOT_ROUNDS,
    signals: [],
  };
}

export function describeBlindSpot(address: string, words: readonly BlindWord[]): string {
  const parts = words.map((w) => `${why(w)}; off: ${w.signals.join(', ')}; fix: ${fix(w)}`);
  return `blind spot on ${address}: ${parts.join(' | ')}`;
}

function why(w: BlindWord): string {
  if (!w.spot) return `${w.word} answers without ${(w.missingFields ?? []).join(', ')}`;
  // The server's own words, marked as such (between ‹ ›, on one line, capped).
  const said = serverText(w.spot.message);
  switch (w.spot.reason) {
    case 'not-whitelisted':
      return `${w.word} is not in 4lw.commands.whitelist (${said})`;
    case 'timeout':
      return `${w.word} timed out (${said})`;
    case 'refused':
      return `${w.word} was turned away (${said})`;
    case 'error':
      return `${w.word} gave no usable reply (${said})`;
  }
}

function fix(w: BlindWord): string {
  const standIn = ADMIN_STAND_IN[w.word];
  const adminToo = standIn ? ` or give the probe the AdminServer port (adminPorts), whose ${standIn} command carries the same data` : '';
  if (!w.spot) {
    return w.word === 'conf'
      ? 'set maxClientCnxns in zoo.cfg explicitly (0 means unlimited)'
      : `this ZooKeeper version or platform does not report it${versionNote(w.missingFields ?? [])}: set these signals' mode to off in the thresholds document to acknowledge`;
  }
  switch (w.spot.reason) {
    case 'not-whitelisted':
      return `add ${w.word} to 4lw.commands.whitelist (e.g. 4lw.commands.whitelist=srvr,mntr,conf,cons,ruok,isro) and restart the server${adminToo}`;
    case 'timeout':
      return `the server answered other words in time: check its load, or raise the probe's timeoutMs${adminToo}`;
    case 'refused':
      return 'the server is closing the probe\'s connections (see clients-turned-away)';
    case 'error':
      return `check the server's reply to ${w.word}${adminToo}`;
  }
}

/** What is known about fields some platforms lack. */
const FIELD_VERSIONS: Record<string, string> = {
  zk_open_file_descriptor_count: 'reported on Unix only',
  zk_max_file_descriptor_count: 'reported on Unix only',
};

function versionNote(fields: readonly string[]): string {
  const notes = fields.map((f) => FIELD_VERSIONS[f]).filter((n): n is string => n !== undefined);
  return notes.length > 0 ? ` (${[...new Set(notes)].join('; ')})` : '';
}
