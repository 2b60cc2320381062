/**
 * A local resource failure in the prober (EMFILE, ENOBUFS, EADDRNOTAVAIL…) is a fault of
 * the checker: the server is `unprobed`, nothing about it fires or resolves, ensemble-level
 * alarms move only on what the probed servers prove, and a `checker-fault` notice says so.
 */
import { describe, expect, it } from 'vitest';
import { checkAlarms } from '../../functions/core/evaluate/alarm-checks.ts';
import { evaluateRound, type EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import { classifyServer, type Exchange } from '../../functions/core/probe/classify-server.ts';
import { checkerFaultMessage, isLocalResourceError } from '../../functions/core/probe/checker-faults.ts';
import type { ServerResult } from '../../functions/contract/probe-round.ts';
import { minutes, TRIO, trioRound } from '../support/probe-rounds.ts';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const settings: EvaluationSettings = { thresholds: resolveThresholds(DEFAULT_THRESHOLDS, 'prod'), silences: [], configProblems: [] };
const emfile: Exchange = { ok: false, error: { kind: 'checker-fault', message: checkerFaultMessage('EMFILE', 'open a socket for srvr'), source: 'srvr' }, ms: 0.2 };

function unprobed(round: ReturnType<typeof trioRound>, indexes: number[]): ReturnType<typeof trioRound> {
  const servers = round.servers.map((s, i): ServerResult => (indexes.includes(i) ? { ...s, mode: 'unprobed', alive: false, source: 'none', summary: {}, metrics: {}, error: emfile.ok ? undefined : emfile.error } : s));
  const serving = servers.filter((s) => s.mode === 'leader' || s.mode === 'follower');
  const leaders = servers.filter((s) => s.mode === 'leader').map((s) => s.address);
  return { ...round, servers, ensemble: { ...round.ensemble, serving: serving.length, leaderCount: leaders.length, leaders, hasQuorum: leaders.length > 0 && serving.length >= 2 } };
}

const states = (round: ReturnType<typeof trioRound>) => Object.fromEntries(checkAlarms(round, { multiLeaderRounds: 0 }).conditions.map((c) => [c.alertKey, c.state]));

describe('local resource failures are the checker\'s, not the server\'s', () => {
  it.each(['EMFILE', 'ENFILE', 'ENOBUFS', 'EADDRNOTAVAIL'])('%s is a local resource error', (code) => expect(isLocalResourceError(code)).toBe(true));
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', undefined])('%s is not', (code) => expect(isLocalResourceError(code)).toBe(false));

  it('a server whose every exchange hit EMFILE is unprobed, not unreachable', () => {
    const result = classifyServer({ address: TRIO[0], words: { ruok: emfile, srvr: emfile, mntr: emfile }, durationMs: 1 });
    expect(result.mode).toBe('unprobed');
    expect(result.error?.kind).toBe('checker-fault');
  });

  it('one unprobed server: no server-down, quorum proven by the other two, and a checker-fault notice', () => {
    const s = states(unprobed(trioRound('r1', T0), [2]));
    expect(s[`server-down:${TRIO[2]}`]).toBe('hold');
    expect(s['quorum-lost']).toBe('clear');
    expect(s['checker-fault']).toBe('raise');
    const notice = checkAlarms(unprobed(trioRound('r1', T0), [2]), { multiLeaderRounds: 0 }).conditions.find((c) => c.alertName === 'checker-fault');
    expect(notice?.level).toBe('info');
    expect(notice?.summary).toContain('EMFILE');
  });

  it('every server unprobed: quorum-lost, no-leader and server-down are held, never raised', () => {
    const s = states(unprobed(trioRound('r1', T0), [0, 1, 2]));
    expect([s['quorum-lost'], s['no-leader'], ...TRIO.map((a) => s[`server-down:${a}`])]).toEqual(['hold', 'hold', 'hold', 'hold', 'hold']);
  });

  it('through the evaluator: an EMFILE round fires only the notice, keeps a real server-down firing, and resolves nothing', () => {
    const healthy = evaluateRound(undefined, trioRound('r1', T0), settings, T0);
    const blind = evaluateRound(healthy.state, unprobed(trioRound('r2', minutes(T0, 1)), [0, 1, 2]), settings, minutes(T0, 1));
    expect(blind.evaluation.transitions.map((t) => [t.alertKey, t.change])).toEqual([['checker-fault', 'fired']]);

    const down = evaluateRound(blind.state, trioRound('r3', minutes(T0, 2), ['leader', 'follower', 'unreachable']), settings, minutes(T0, 2));
    expect(down.evaluation.transitions.map((t) => [t.alertKey, t.change])).toEqual([
      [`server-down:${TRIO[2]}`, 'fired'],
      ['checker-fault', 'resolved'],
    ]);
    const blindAgain = evaluateRound(down.state, unprobed(trioRound('r4', minutes(T0, 3)), [2]), settings, minutes(T0, 3));
    expect(blindAgain.evaluation.transitions.map((t) => [t.alertKey, t.change])).toEqual([['checker-fault', 'fired']]);
    expect(blindAgain.state.alerts[`server-down:${TRIO[2]}`]?.status).toBe('firing');
  });
});
