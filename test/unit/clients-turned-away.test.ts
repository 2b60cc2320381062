import { describe, expect, it } from 'vitest';
import { checkAlarms, clientsTurnedAway, TURNED_AWAY_ROUNDS } from '../../functions/core/evaluate/alarm-checks.ts';
import { evaluateRound, type EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import type { EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import type { ServerResult } from '../../functions/contract/probe-round.ts';
import { minutes, roundOf, server, TRIO } from '../support/probe-rounds.ts';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const settings: EvaluationSettings = { thresholds: resolveThresholds(DEFAULT_THRESHOLDS, 'prod'), silences: [], configProblems: [] };

const turningAway: ServerResult = {
  ...server(TRIO[1], { conf: { maxClientCnxns: '60' } }),
  refusedExchanges: [
    { word: 'mntr', kind: 'connection-reset' },
    { word: 'cons', kind: 'no-reply' },
  ],
  clients: { total: 61, ips: 2, top: [{ ip: '10.1.2.3', count: 60 }, { ip: '10.0.0.9', count: 1 }] },
};

/** The probe's own IP at the limit: every exchange reset, the server is up. */
const resetsEverything: ServerResult = {
  ...server(TRIO[1], { mode: 'unreachable' }),
  error: { kind: 'connection-reset', message: '10.0.0.2:2181 reset the connection during srvr', source: 'srvr' },
};

describe('clientsTurnedAway', () => {
  it('a serving server refusing some of our connections while answering others raises it, naming the busiest IP', () => {
    const c = clientsTurnedAway(turningAway, true);
    expect(c).toMatchObject({ alertKey: `clients-turned-away:${TRIO[1]}`, alertName: 'clients-turned-away', level: 'alarm', state: 'raise', forRounds: TURNED_AWAY_ROUNDS });
    expect(c.summary).toBe(
      `server ${TRIO[1]} turned away 2 of the probe's connections (mntr: connection-reset, cons: no-reply) while answering others: ` +
        'clients are being refused now (an IP at maxClientCnxns, or out of file descriptors); busiest client IP 10.1.2.3 with 60 connections (maxClientCnxns 60 per IP)',
    );
  });

  it('says the counts are lower bounds when cons was cut', () => {
    const cut = { ...turningAway, clients: { ...turningAway.clients!, truncated: true } };
    expect(clientsTurnedAway(cut, true).summary).toContain('busiest client IP 10.1.2.3 with 60+ connections');
  });

  it('does not count refusals of a server that is not serving (elections close connections unanswered)', () => {
    expect(clientsTurnedAway({ ...turningAway, ...server(TRIO[1], { mode: 'not-serving' }), refusedExchanges: turningAway.refusedExchanges }, true).state).toBe('clear');
  });

  it('a server resetting every connection while its peers answer turns us away (next to server-down: a round cannot tell it from one going down)', () => {
    const alarms = checkAlarms(roundOf('r1', T0, [server(TRIO[0], { mode: 'leader' }), resetsEverything, server(TRIO[2])]), { multiLeaderRounds: 0 });
    const byKey = new Map(alarms.conditions.map((c) => [c.alertKey, c]));
    expect(byKey.get(`clients-turned-away:${TRIO[1]}`)?.state).toBe('raise');
    expect(byKey.get(`clients-turned-away:${TRIO[1]}`)?.summary).toContain("closes every connection from the probe unanswered while its peers answer: the probe's own IP is at maxClientCnxns");
    expect(byKey.get(`server-down:${TRIO[1]}`)?.state).toBe('raise');
  });

  it('closed unanswered on every word (3.8.0 does that too at the limit, so srvr reads not-serving): turned away, next to server-not-serving', () => {
    const closed: ServerResult = { ...server(TRIO[1], { mode: 'not-serving' }), alive: false, error: { kind: 'no-reply', message: 'closed without answering srvr', source: 'srvr' } };
    const alarms = checkAlarms(roundOf('r1', T0, [server(TRIO[0], { mode: 'leader' }), closed, server(TRIO[2])]), { multiLeaderRounds: 0 });
    const state = (key: string) => alarms.conditions.find((c) => c.alertKey === `${key}:${TRIO[1]}`)?.state;
    expect([state('clients-turned-away'), state('server-not-serving'), state('server-down')]).toEqual(['raise', 'raise', 'clear']);
  });

  it('a server in an election closes words unanswered but still answers ruok: server-not-serving, not this', () => {
    const electing: ServerResult = { ...server(TRIO[1], { mode: 'not-serving' }), alive: true, error: { kind: 'no-reply', message: 'closed without answering srvr', source: 'srvr' } };
    const alarms = checkAlarms(roundOf('r1', T0, [server(TRIO[0], { mode: 'leader' }), electing, server(TRIO[2])]), { multiLeaderRounds: 0 });
    const state = (key: string) => alarms.conditions.find((c) => c.alertKey === `${key}:${TRIO[1]}`)?.state;
    expect([state('clients-turned-away'), state('server-not-serving')]).toEqual(['clear', 'raise']);
  });

  it("holds while the checker itself could not probe the server (its own fault, not the server's)", () => {
    const unprobed: ServerResult = { ...resetsEverything, mode: 'unprobed', error: { kind: 'checker-fault', message: 'EMFILE', source: 'srvr' } };
    const alarms = checkAlarms(roundOf('r1', T0, [server(TRIO[0], { mode: 'leader' }), unprobed, server(TRIO[2])]), { multiLeaderRounds: 0 });
    expect(alarms.conditions.find((c) => c.alertKey === `clients-turned-away:${TRIO[1]}`)?.state).toBe('hold');
  });

  it('a refused connection (no process) or a reset with no peer answering is server-down, not this', () => {
    const refused = server(TRIO[1], { mode: 'unreachable' });
    const one = checkAlarms(roundOf('r1', T0, [server(TRIO[0], { mode: 'leader' }), refused, server(TRIO[2])]), { multiLeaderRounds: 0 });
    expect(one.conditions.find((c) => c.alertKey === `server-down:${TRIO[1]}`)?.state).toBe('raise');
    expect(one.conditions.find((c) => c.alertKey === `clients-turned-away:${TRIO[1]}`)?.state).toBe('clear');
    const alone = checkAlarms(roundOf('r1', T0, [resetsEverything]), { multiLeaderRounds: 0 });
    expect(alone.conditions.find((c) => c.alertKey === `server-down:${TRIO[1]}`)?.state).toBe('raise');
  });

  it(`fires after ${TURNED_AWAY_ROUNDS} rounds, notified as an alarm, and resolves when our connections are accepted again`, () => {
    let state: EnsembleState | undefined;
    const seen: string[] = [];
    const at = (i: number, s: ServerResult) => {
      const out = evaluateRound(state, roundOf(`r${i}`, minutes(T0, i), [server(TRIO[0], { mode: 'leader' }), s, server(TRIO[2])]), settings, minutes(T0, i));
      state = out.state;
      seen.push(...out.evaluation.transitions.filter((t) => t.alertName === 'clients-turned-away').map((t) => `${t.change}:${t.level}:${t.notify}`));
    };
    at(0, turningAway);
    expect(seen).toEqual([]);
    at(1, turningAway);
    at(2, turningAway);
    at(3, server(TRIO[1]));
    expect(seen).toEqual(['fired:alarm:true', 'resolved:alarm:true']);
  });

  it('when zk_connection_rejected rose too, clients-rejected speaks and the probe\'s view is recorded inhibited', () => {
    let state: EnsembleState | undefined;
    const seen: string[] = [];
    const at = (i: number, rejected: number) => {
      const s: ServerResult = { ...turningAway, metrics: { ...turningAway.metrics, zk_connection_rejected: rejected, zk_uptime: 1_000_000 + i * 60_000 } };
      const out = evaluateRound(state, roundOf(`r${i}`, minutes(T0, i), [server(TRIO[0], { mode: 'leader' }), s, server(TRIO[2])]), settings, minutes(T0, i));
      state = out.state;
      seen.push(...out.evaluation.transitions.filter((t) => t.alertName.startsWith('clients-')).map((t) => `${t.alertName}:${t.change}:${t.notify}${t.inhibitedBy ? `:${t.inhibitedBy}` : ''}`));
    };
    at(0, 0);
    at(1, 4);
    at(2, 9);
    expect(seen).toEqual(['clients-rejected:fired:true', `clients-turned-away:fired:false:clients-rejected:${TRIO[1]}`]);
  });
});
