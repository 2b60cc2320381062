import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blindSpotCondition,
  blindWords,
  SIGNAL_INPUTS,
  TRANSIENT_BLIND_SPOT_ROUNDS,
  type BlindWord,
  type InputWord,
  type SignalInput,
  type SignalInputs,
  type SignalModes,
} from '../../functions/core/evaluate/blind-spots.ts';
import { evaluateRound, type EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import type { EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { SignalNames } from '../../functions/contract/signal-catalog.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import { buildAlertMessage } from '../../functions/core/deliver/build-alert-message.ts';
import { isServing, type BlindSpot, type ServerResult } from '../../functions/contract/probe-round.ts';
import type { SignalName } from '../../functions/contract/signal-catalog.ts';
import { arbitraryServer } from '../support/arbitrary-rounds.ts';
import { minutes, roundOf, server, TRIO } from '../support/probe-rounds.ts';

const MNTR_REFUSED: BlindSpot = { word: 'mntr', reason: 'not-whitelisted', message: 'mntr is not executed because it is not in the whitelist.' };
const METRIC_SIGNALS = [
  'read-latency-ms',
  'write-latency-ms',
  'read-latency-p99-ms',
  'write-latency-p99-ms',
  'jvm-pause-ms-per-min',
  'fsync-exceed-per-min',
  'fd-use',
  'fd-exhaustion-hours',
  'znode-growth',
  'watch-growth',
  'data-size-growth',
];

/** A follower whose whitelist refuses mntr and that has no AdminServer: what the probe records. */
function mntrRefused(address: string, mode: ServerResult['mode'] = 'follower'): ServerResult {
  return { ...server(address, { mode }), source: 'none', metrics: {}, blindSpots: [MNTR_REFUSED] };
}

const settings = (doc = DEFAULT_THRESHOLDS): EvaluationSettings => ({ thresholds: resolveThresholds(doc, 'prod'), silences: [], configProblems: [] });
const T0 = new Date('2026-03-01T12:00:00.000Z');

describe('SIGNAL_INPUTS', () => {
  it("lists every signal except those that read no word (the canary's, the probe's own reply time)", () => {
    const listed = Object.keys(SIGNAL_INPUTS).sort();
    expect(listed).toEqual(SignalNames.filter((s) => !s.startsWith('canary-') && s !== 'reply-time-excess-ms').sort());
  });

  it('each input names the words and fields it reads', () => {
    for (const { inputs } of Object.values(SIGNAL_INPUTS)) {
      for (const input of inputs) {
        expect(input.words.length).toBeGreaterThan(0);
        expect(input.fields.length).toBeGreaterThanOrEqual(input.words.length === 1 ? 1 : input.words.length);
      }
    }
  });
});

describe('blindWords', () => {
  it('a healthy server has none', () => {
    expect(blindWords(server(TRIO[0], { mode: 'leader' }))).toEqual([]);
  });

  it('a follower refusing mntr loses every metric signal, not its latency (srvr still has it)', () => {
    expect(blindWords(mntrRefused(TRIO[1]))).toEqual([{ word: 'mntr', spot: MNTR_REFUSED, signals: METRIC_SIGNALS }]);
  });

  it('a leader refusing mntr loses pending-syncs too (only the leader reports it)', () => {
    expect(blindWords(mntrRefused(TRIO[0], 'leader'))[0]?.signals).toEqual([...METRIC_SIGNALS.slice(0, 6), 'pending-syncs', ...METRIC_SIGNALS.slice(6)]);
  });

  it('a standalone server reports no zk_pending_syncs (no followers) and is not blind for it', () => {
    const { zk_pending_syncs: _none, ...metrics } = server(TRIO[0], { mode: 'standalone' }).metrics;
    expect(blindWords({ ...server(TRIO[0], { mode: 'standalone' }), metrics })).toEqual([]);
  });

  it('a signal switched off in the thresholds document is not blind', () => {
    const words = blindWords(mntrRefused(TRIO[1]), { 'fsync-exceed-per-min': { mode: 'off' }, 'fd-use': { mode: 'off' } });
    expect(words[0]?.signals).toEqual(METRIC_SIGNALS.filter((s) => s !== 'fsync-exceed-per-min' && s !== 'fd-use'));
  });

  it('an answered mntr without a field names the field', () => {
    const { zk_approximate_data_size: _gone, ...metrics } = server(TRIO[1]).metrics;
    expect(blindWords({ ...server(TRIO[1]), metrics })).toEqual([{ word: 'mntr', missingFields: ['zk_approximate_data_size'], signals: ['data-size-growth'] }]);
  });

  it("a field a version is known to lack (3.8.0's zk_fsync_threshold_exceed_count) is not a blind spot; refusing mntr still is", () => {
    const { zk_fsync_threshold_exceed_count: _gone, ...metrics } = server(TRIO[1]).metrics;
    expect(blindWords({ ...server(TRIO[1]), metrics })).toEqual([]);
    expect(blindWords(mntrRefused(TRIO[1]))[0]?.signals).toContain('fsync-exceed-per-min');
  });

  it('a word that was not asked (nothing recorded, nothing answered) is not a blind spot', () => {
    expect(blindWords({ ...server(TRIO[1]), source: 'none', metrics: {} })).toEqual([]);
  });

  it('conf or cons refused turns off the per-IP signals', () => {
    const clients = { total: 2, ips: 1, top: [{ ip: '10.0.0.9', count: 2 }] };
    const conf: BlindSpot = { word: 'conf', reason: 'not-whitelisted', message: 'conf is not executed because it is not in the whitelist.' };
    expect(blindWords({ ...server(TRIO[1]), clients, blindSpots: [conf] })).toEqual([{ word: 'conf', spot: conf, signals: ['client-ip-use', 'client-ip-exhaustion-hours'] }]);
    const cons: BlindSpot = { word: 'cons', reason: 'timeout', message: 'no complete cons reply within 1000 ms (0 bytes read)' };
    expect(blindWords({ ...server(TRIO[1], { conf: { maxClientCnxns: '60' } }), blindSpots: [cons] })).toEqual([{ word: 'cons', spot: cons, signals: ['client-ip-use', 'client-ip-exhaustion-hours'] }]);
  });

  it('metrics that came with 3.6 are a known gap of older servers, not a blind spot', () => {
    const { zk_sum_readlatency: _a, zk_cnt_readlatency: _b, zk_p99_readlatency: _c, ...metrics } = server(TRIO[1]).metrics;
    expect(blindWords({ ...server(TRIO[1]), metrics })).toEqual([]);
  });

  it('srvr refused while mntr answers loses only the zxid signals: mntr carries latency and connections', () => {
    const srvr: BlindSpot = { word: 'srvr', reason: 'not-whitelisted', message: 'srvr is not executed because it is not in the whitelist.' };
    const s = server(TRIO[0], { mode: 'leader', metrics: { zk_avg_latency: 1, zk_max_latency: 3, zk_outstanding_requests: 0, zk_num_alive_connections: 2 } });
    const words = blindWords({ ...s, summary: { mode: 'leader' }, blindSpots: [srvr] });
    expect(words).toEqual([{ word: 'srvr', spot: srvr, signals: ['elections-per-hour', 'zxid-lag', 'zxid-rollover-hours'] }]);
  });

  it('a server refusing srvr and mntr (mode not-whitelisted, which raises no alarm) is blind on both', () => {
    const srvr: BlindSpot = { word: 'srvr', reason: 'not-whitelisted', message: 'srvr is not executed because it is not in the whitelist.' };
    const s: ServerResult = { ...server(TRIO[1], { mode: 'not-serving' }), mode: 'not-whitelisted', alive: true, blindSpots: [srvr, MNTR_REFUSED] };
    const words = blindWords(s);
    expect(words.map((w) => w.word)).toEqual(['mntr', 'srvr']);
    expect(words[0]?.signals).toEqual(expect.arrayContaining(['latency-avg', 'fd-use', 'pending-syncs']));
    expect(words[1]?.signals).toEqual(expect.arrayContaining(['latency-avg', 'outstanding-requests', 'zxid-lag']));
  });

  it('a down or not-serving server has no blind spot: its alarm speaks for it', () => {
    expect(blindWords({ ...server(TRIO[1], { mode: 'unreachable' }), blindSpots: [MNTR_REFUSED] })).toEqual([]);
    expect(blindSpotCondition({ ...server(TRIO[1], { mode: 'not-serving' }), blindSpots: [MNTR_REFUSED] }).state).toBe('hold');
    // The checker's own fault (EMFILE…): nothing is known about the server either.
    expect(blindSpotCondition({ ...server(TRIO[1], { mode: 'unreachable' }), mode: 'unprobed' }).state).toBe('hold');
  });
});

/** The plain walk, signal by signal and input by input, that blindWords must agree with. */
function referenceBlindWords(s: ServerResult, modes: SignalModes = {}): BlindWord[] {
  if (!isServing(s.mode) && s.mode !== 'not-whitelisted') return [];
  const answered: Record<InputWord, boolean> = {
    mntr: s.source !== 'none',
    conf: s.conf !== undefined,
    cons: s.clients !== undefined,
    srvr: s.summary.zxid !== undefined || s.summary.latency !== undefined,
  };
  const spotOf = (w: InputWord) => s.blindSpots?.find((b) => b.word === w);
  const fieldsOf = (input: SignalInput, w: InputWord): string[] => {
    const field = input.words.length === 1 ? undefined : input.fields[input.words.indexOf(w)];
    return field === undefined ? [...input.fields] : [field];
  };
  const byWord = new Map<InputWord, BlindWord>();
  for (const [signal, needs] of Object.entries(SIGNAL_INPUTS) as [SignalName, SignalInputs][]) {
    if (modes[signal]?.mode === 'off' || !(needs.modes === undefined || s.mode === 'not-whitelisted' || needs.modes.includes(s.mode))) continue;
    for (const input of needs.inputs) {
      if (input.present(s)) continue;
      const blind = input.words.filter((w) => spotOf(w) !== undefined);
      const lacking = input.absentIn === undefined ? input.words.filter((w) => answered[w]).slice(0, 1) : [];
      for (const word of blind.length > 0 ? blind : lacking) {
        let e = byWord.get(word);
        if (!e) {
          e = { word, signals: [] };
          const spot = spotOf(word);
          if (spot) e.spot = spot;
          byWord.set(word, e);
        }
        if (!e.signals.includes(signal)) e.signals.push(signal);
        if (!e.spot) e.missingFields = [...new Set([...(e.missingFields ?? []), ...fieldsOf(input, word)])];
      }
    }
  }
  return [...byWord.values()].sort((a, b) => a.word.localeCompare(b.word));
}

describe('blindWords against the plain walk over every signal', () => {
  it('agrees for servers in any mode, with any fields, words and signals missing or switched off', () => {
    const modes = fc.constantFrom<SignalModes>({}, { 'fd-use': { mode: 'off' } }, { 'pending-syncs': { mode: 'off' }, 'client-ip-use': { mode: 'off' }, 'zxid-lag': { mode: 'off' } });
    fc.assert(
      fc.property(arbitraryServer(TRIO[1]), modes, (s, m) => {
        expect(blindWords(s, m)).toStrictEqual(referenceBlindWords(s, m));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('blindSpotCondition', () => {
  it('an info notice naming the word, the server message, the signals off and the fix', () => {
    const c = blindSpotCondition(mntrRefused(TRIO[1]));
    expect(c).toMatchObject({ alertKey: `blind-spot:${TRIO[1]}`, alertName: 'blind-spot', level: 'info', server: TRIO[1], state: 'raise', forRounds: 1 });
    expect(c.summary).toBe(
      `blind spot on ${TRIO[1]}: mntr is not in 4lw.commands.whitelist (‹mntr is not executed because it is not in the whitelist.›); ` +
        `off: ${METRIC_SIGNALS.join(', ')}; fix: add mntr to 4lw.commands.whitelist (e.g. 4lw.commands.whitelist=srvr,mntr,conf,cons,ruok,isro) ` +
        'and restart the server or give the probe the AdminServer port (adminPorts), whose monitor command carries the same data',
    );
  });

  it(`a timeout must last ${TRANSIENT_BLIND_SPOT_ROUNDS} rounds; a missing field is told at once`, () => {
    const timeout: BlindSpot = { word: 'mntr', reason: 'timeout', message: 'no complete mntr reply within 1000 ms (0 bytes read)' };
    expect(blindSpotCondition({ ...mntrRefused(TRIO[1]), blindSpots: [timeout] }).forRounds).toBe(TRANSIENT_BLIND_SPOT_ROUNDS);
    const { zk_watch_count: _gone, ...metrics } = server(TRIO[1]).metrics;
    const missing = blindSpotCondition({ ...server(TRIO[1]), metrics });
    expect(missing).toMatchObject({ state: 'raise', forRounds: 1 });
    expect(missing.summary).toContain('mntr answers without zk_watch_count; off: watch-growth');
  });
});

describe('blind-spot notices in the evaluator', () => {
  const round = (id: string, at: Date, refused: boolean) =>
    roundOf(id, at, [server(TRIO[0], { mode: 'leader' }), refused ? mntrRefused(TRIO[1]) : server(TRIO[1]), server(TRIO[2])]);

  it('fires once as info, is never reminded, is held while the server is down and resolves when the data comes back', () => {
    let state: EnsembleState | undefined;
    const changes: string[] = [];
    const step = (r: ReturnType<typeof round>, at: Date) => {
      const out = evaluateRound(state, r, settings(), at);
      state = out.state;
      changes.push(...out.evaluation.transitions.map((t) => `${t.alertKey}:${t.change}:${t.level}`));
      return out;
    };
    const fired = step(round('r0', T0, true), T0);
    expect(buildAlertMessage(fired.evaluation)?.severity).toBe('info');
    // Well past repeatEvery (4 h): no reminder.
    for (let i = 1; i <= 6; i++) step(round(`r${i}`, minutes(T0, i * 60), true), minutes(T0, i * 60));
    const down = roundOf('down', minutes(T0, 400), [server(TRIO[0], { mode: 'leader' }), server(TRIO[1], { mode: 'unreachable' }), server(TRIO[2])]);
    step(down, minutes(T0, 400));
    step(round('back', minutes(T0, 401), true), minutes(T0, 401));
    const resolved = step(round('fixed', minutes(T0, 402), false), minutes(T0, 402));
    expect(changes.filter((c) => c.startsWith('blind-spot'))).toEqual([`blind-spot:${TRIO[1]}:fired:info`, `blind-spot:${TRIO[1]}:resolved:info`]);
    // A resolved notice goes out as info too, so an alarms-and-resolutions subscription hears neither end.
    expect(buildAlertMessage(resolved.evaluation)?.severity).toBe('info');
  });
});
