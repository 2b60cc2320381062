import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceAlerts, announce, inhibit, type AlertCondition, type LifecycleContext } from '../../functions/core/evaluate/alert-lifecycle.ts';
import { MAX_ROUND_IDS, type AlertRecord, type EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { evaluateRound, evaluateStaleness, type EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import type { ProbeRound, ServerMode } from '../../functions/contract/probe-round.ts';
import type { Transition } from '../../functions/contract/transition.ts';
import { minutes, roundOf, server, TRIO, trioRound } from '../support/probe-rounds.ts';

const T0 = new Date('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;

const ctx = (over: Partial<LifecycleContext> = {}): LifecycleContext => ({
  ensembleName: 'prod',
  roundId: 'r1',
  now: T0,
  repeatEveryMs: 4 * HOUR,
  silences: [],
  scope: ['server-down', 'early-warning'],
  ...over,
});

const condition = (over: Partial<AlertCondition> = {}): AlertCondition => ({
  alertKey: 'server-down:a:1',
  alertName: 'server-down',
  level: 'alarm',
  server: 'a:1',
  state: 'raise',
  summary: 'server a:1 down',
  forRounds: 1,
  signals: [],
  ...over,
});

const record = (over: Partial<AlertRecord> = {}): AlertRecord => ({
  alertKey: 'server-down:a:1',
  alertName: 'server-down',
  level: 'alarm',
  server: 'a:1',
  status: 'firing',
  since: '2029-12-31T23:00:00.000Z',
  pendingRounds: 1,
  notified: true,
  lastNotifiedAt: '2029-12-31T23:00:00.000Z',
  summary: 'server a:1 down',
  ...over,
});

const silence = { ensemble: 'prod', alertName: 'server-down' as const, until: '2030-01-02T00:00:00Z', reason: 'disk swap', id: 'sil-1' };

interface Case {
  name: string;
  record?: Partial<AlertRecord>;
  condition?: Partial<AlertCondition> | null;
  ctx?: Partial<LifecycleContext>;
  status: 'ok' | 'pending' | 'firing';
  change?: Transition['change'];
  notify?: boolean;
  extra?: Partial<Transition>;
  pendingRounds?: number;
}

const cases: Case[] = [
  { name: 'ok + raise (forRounds 1) fires and notifies', condition: {}, status: 'firing', change: 'fired', notify: true },
  { name: 'ok + raise (forRounds 3) goes pending quietly', condition: { forRounds: 3 }, status: 'pending', pendingRounds: 1 },
  { name: 'ok + hold stays ok', condition: { state: 'hold' }, status: 'ok' },
  { name: 'ok + clear stays ok', condition: { state: 'clear' }, status: 'ok' },
  { name: 'pending + raise below forRounds counts up', record: { status: 'pending', pendingRounds: 1, notified: false }, condition: { forRounds: 3 }, status: 'pending', pendingRounds: 2 },
  { name: 'pending + raise reaching forRounds fires', record: { status: 'pending', pendingRounds: 2, notified: false }, condition: { forRounds: 3 }, status: 'firing', change: 'fired', notify: true },
  { name: 'pending + hold returns to ok unannounced', record: { status: 'pending', pendingRounds: 2, notified: false }, condition: { state: 'hold', forRounds: 3 }, status: 'ok' },
  { name: 'pending + clear returns to ok unannounced', record: { status: 'pending', pendingRounds: 2, notified: false }, condition: { state: 'clear', forRounds: 3 }, status: 'ok' },
  { name: 'firing + raise within repeatEvery says nothing', record: { lastNotifiedAt: '2029-12-31T23:00:00.000Z' }, condition: {}, status: 'firing' },
  { name: 'firing + hold keeps firing (hysteresis)', record: {}, condition: { state: 'hold' }, status: 'firing' },
  { name: 'firing + raise after repeatEvery reminds', record: { lastNotifiedAt: '2029-12-31T19:59:00.000Z' }, condition: {}, status: 'firing', change: 'reminder', notify: true },
  { name: 'firing + hold after repeatEvery reminds too', record: { lastNotifiedAt: '2029-12-31T19:00:00.000Z' }, condition: { state: 'hold' }, status: 'firing', change: 'reminder', notify: true },
  { name: 'repeatEvery 0 never reminds', record: { lastNotifiedAt: '2029-01-01T00:00:00.000Z' }, condition: {}, ctx: { repeatEveryMs: 0 }, status: 'firing' },
  { name: 'firing + clear resolves and notifies', record: {}, condition: { state: 'clear', summary: 'server a:1 is back' }, status: 'ok', change: 'resolved', notify: true, extra: { summary: 'server a:1 is back', since: '2029-12-31T23:00:00.000Z' } },
  { name: 'silenced raise fires recorded, not notified', condition: {}, ctx: { silences: [silence] }, status: 'firing', change: 'fired', notify: false, extra: { silencedBy: 'sil-1' } },
  { name: 'silenced firing sends no reminder', record: { lastNotifiedAt: '2029-01-01T00:00:00.000Z' }, condition: {}, ctx: { silences: [silence] }, status: 'firing' },
  { name: 'silence over while still firing: the first notified fired goes out', record: { notified: false, lastNotifiedAt: undefined }, condition: {}, status: 'firing', change: 'fired', notify: true },
  { name: 'silenced resolve of a notified episode is recorded only', record: {}, condition: { state: 'clear' }, ctx: { silences: [silence] }, status: 'ok', change: 'resolved', notify: false, extra: { silencedBy: 'sil-1' } },
  { name: 'an episode nobody heard of resolves quietly', record: { notified: false, inhibitedBy: 'quorum-lost' }, condition: { state: 'clear' }, status: 'ok', change: 'resolved', notify: false, extra: { inhibitedBy: 'quorum-lost' } },
  { name: 'inhibited raise fires recorded, not notified', condition: { inhibitedBy: 'quorum-lost' }, status: 'firing', change: 'fired', notify: false, extra: { inhibitedBy: 'quorum-lost' } },
  { name: 'an alert in scope that is no longer observed resolves', record: {}, condition: null, status: 'ok', change: 'resolved', notify: true, extra: { summary: 'server-down:a:1 no longer observed' } },
  { name: 'an alert outside the scope is left alone', record: {}, condition: null, ctx: { scope: ['early-warning'] }, status: 'firing' },
];

describe('alert lifecycle transitions', () => {
  it.each(cases)('$name', (c) => {
    const previous: Record<string, AlertRecord> = c.record ? { 'server-down:a:1': record(c.record) } : {};
    const conditions = c.condition === null || c.condition === undefined ? [] : [condition(c.condition)];
    const { alerts, transitions } = advanceAlerts(previous, conditions, ctx(c.ctx));
    const stored = alerts['server-down:a:1'];
    expect(stored?.status ?? 'ok').toBe(c.status);
    if (c.pendingRounds !== undefined) expect(stored?.pendingRounds).toBe(c.pendingRounds);
    if (c.change === undefined) {
      expect(transitions).toEqual([]);
      return;
    }
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ change: c.change, notify: c.notify, alertKey: 'server-down:a:1', roundId: 'r1', at: T0.toISOString(), ...c.extra });
    if (c.notify) expect(stored === undefined || stored.lastNotifiedAt === T0.toISOString()).toBe(true);
  });

  it('a one-off notice is announced fired, notified unless a silence matches it, which it then names', () => {
    const notice = condition({ alertKey: 'config-change:cfg', alertName: 'config-change', level: 'info', server: undefined, summary: 'configuration /cfg changed' });
    expect(announce(notice, '2029-12-31T23:00:00.000Z', ctx())).toEqual({
      version: 1,
      ensembleName: 'prod',
      alertKey: 'config-change:cfg',
      alertName: 'config-change',
      level: 'info',
      change: 'fired',
      summary: 'configuration /cfg changed',
      since: '2029-12-31T23:00:00.000Z',
      at: T0.toISOString(),
      roundId: 'r1',
      signals: [],
      notify: true,
    });
    const silenced = announce(notice, '2029-12-31T23:00:00.000Z', ctx({ silences: [{ ...silence, alertName: 'config-change' as const }] }));
    expect(silenced).toMatchObject({ notify: false, silencedBy: 'sil-1' });
  });

  it('quorum lost inhibits its per-server consequences but not itself or warnings', () => {
    const out = inhibit([
      condition(),
      condition({ alertKey: 'no-leader', alertName: 'no-leader' }),
      condition({ alertKey: 'quorum-lost', alertName: 'quorum-lost' }),
      condition({ alertKey: 'early-warning', alertName: 'early-warning', level: 'warning' }),
      condition({ alertKey: 'server-down:b:1', state: 'clear' }),
    ]);
    expect(out.map((c) => c.inhibitedBy)).toEqual(['quorum-lost', 'quorum-lost', undefined, undefined, undefined]);
  });
});

const settings = (over: Partial<EvaluationSettings> = {}): EvaluationSettings => ({
  thresholds: resolveThresholds(DEFAULT_THRESHOLDS, 'prod'),
  silences: [],
  configProblems: [],
  ...over,
});

describe('evaluateRound', () => {
  it('a healthy round changes nothing; killing a follower fires server-down at once; its return resolves it', () => {
    const first = evaluateRound(undefined, trioRound('r1', T0), settings(), T0);
    expect(first.evaluation.transitions).toEqual([]);
    const down = evaluateRound(first.state, trioRound('r2', minutes(T0, 1), ['leader', 'follower', 'unreachable']), settings(), minutes(T0, 1));
    expect(down.evaluation.transitions.map((t) => [t.alertKey, t.change, t.notify])).toEqual([[`server-down:${TRIO[2]}`, 'fired', true]]);
    const back = evaluateRound(down.state, trioRound('r3', minutes(T0, 2)), settings(), minutes(T0, 2));
    expect(back.evaluation.transitions.map((t) => [t.alertKey, t.change])).toEqual([[`server-down:${TRIO[2]}`, 'resolved']]);
  });

  it('a redelivered round returns the same state and no transitions', () => {
    const first = evaluateRound(undefined, trioRound('r1', T0, ['leader', 'unreachable', 'follower']), settings(), T0);
    expect(first.evaluation.transitions).toHaveLength(1);
    const again = evaluateRound(first.state, trioRound('r1', T0, ['leader', 'unreachable', 'follower']), settings(), minutes(T0, 1));
    expect(again.state).toBe(first.state);
    expect(again.evaluation.transitions).toEqual([]);
  });

  it('an out-of-order older round cannot resolve a firing alarm', () => {
    const down = evaluateRound(undefined, trioRound('r2', minutes(T0, 1), ['leader', 'follower', 'unreachable']), settings(), minutes(T0, 1));
    const late = evaluateRound(down.state, trioRound('r1', T0), settings(), minutes(T0, 1));
    expect(late.evaluation.transitions).toEqual([]);
    expect(late.state.alerts[`server-down:${TRIO[2]}`]?.status).toBe('firing');
    expect(late.state.lastRoundIds).toContain('r1');
  });

  it('quorum lost fires notified while its per-server consequences are recorded inhibited', () => {
    const lost = evaluateRound(undefined, trioRound('r1', T0, ['not-serving', 'unreachable', 'unreachable']), settings(), T0);
    const byKey = Object.fromEntries(lost.evaluation.transitions.map((t) => [t.alertKey, t]));
    expect(byKey['quorum-lost']).toMatchObject({ change: 'fired', notify: true });
    expect(byKey[`server-down:${TRIO[1]}`]).toMatchObject({ change: 'fired', notify: false, inhibitedBy: 'quorum-lost' });
    expect(byKey[`server-not-serving:${TRIO[0]}`]).toMatchObject({ notify: false, inhibitedBy: 'quorum-lost' });
    expect(byKey['no-leader']).toMatchObject({ notify: false, inhibitedBy: 'quorum-lost' });
    // Quorum back but one server still down: now that alarm is news.
    const partial = evaluateRound(lost.state, trioRound('r2', minutes(T0, 1), ['leader', 'follower', 'unreachable']), settings(), minutes(T0, 1));
    const after = Object.fromEntries(partial.evaluation.transitions.map((t) => [t.alertKey, t]));
    expect(after['quorum-lost']).toMatchObject({ change: 'resolved', notify: true });
    expect(after[`server-down:${TRIO[2]}`]).toMatchObject({ change: 'fired', notify: true });
    expect(after[`server-down:${TRIO[1]}`]).toMatchObject({ change: 'resolved', notify: false, inhibitedBy: 'quorum-lost' });
  });

  it('two leaders in one round are recorded; two rounds in a row fire', () => {
    const one = evaluateRound(undefined, trioRound('r1', T0, ['leader', 'leader', 'follower']), settings(), T0);
    expect(one.evaluation.transitions).toEqual([]);
    expect(one.state.multiLeaderRounds).toBe(1);
    const two = evaluateRound(one.state, trioRound('r2', minutes(T0, 1), ['leader', 'leader', 'follower']), settings(), minutes(T0, 1));
    expect(two.evaluation.transitions.map((t) => [t.alertKey, t.change])).toEqual([['two-leaders', 'fired']]);
  });

  it('config problems raise a config-invalid warning that clears when they are gone', () => {
    const bad = evaluateRound(undefined, trioRound('r1', T0), settings({ configProblems: ['thresholds: signals.fd-use.tau: must be > 0'] }), T0);
    expect(bad.evaluation.transitions).toMatchObject([{ alertKey: 'config-invalid', level: 'warning', change: 'fired', notify: true }]);
    expect(bad.evaluation.transitions[0]?.summary).toContain('signals.fd-use.tau');
    const good = evaluateRound(bad.state, trioRound('r2', minutes(T0, 1)), settings(), minutes(T0, 1));
    expect(good.evaluation.transitions).toMatchObject([{ alertKey: 'config-invalid', change: 'resolved' }]);
  });

  /**
   * One client IP's connections on the first server against maxClientCnxns 100, one round
   * a minute; the changes per round. (This used to be the server's total connections,
   * which the issue showed was the wrong number: maxClientCnxns is per client IP.)
   */
  function connectionRounds(connections: number[], minFiringMinutes = 0): string[] {
    let state: EnsembleState | undefined;
    const s = settings({ thresholds: resolveThresholds({ minFiringMinutes }, 'prod') });
    return connections.map((c, i) => {
      const round = withBusiestIp(trioRound(`r${i}`, minutes(T0, i), undefined, [{ conf: { maxClientCnxns: '100' }, connections: c }]), c);
      const out = evaluateRound(state, round, s, minutes(T0, i));
      state = out.state;
      return out.evaluation.transitions.map((t) => `${t.alertKey}:${t.change}`).join(',') || '-';
    });
  }
  const KEY = `early-warning:client-ip-use:${TRIO[0]}`;

  it('a warning needs forRounds rounds over warnAt and resolves below clearAt', () => {
    // 90% of the limit gives W≈0.92 (ν 0.8, τ 0.04); 70% gives 0.08, below clearAt 0.3.
    expect(connectionRounds([10, 90, 90, 90, 70, 60, 10])).toEqual(['-', '-', '-', `${KEY}:fired`, `${KEY}:resolved`, '-', '-']);
  });

  it('a dip below warnAt while pending starts the count again', () => {
    expect(connectionRounds([90, 90, 74, 90, 90, 90])).toEqual(['-', '-', '-', '-', '-', `${KEY}:fired`]);
  });

  it('hysteresis: a firing warning between clearAt and warnAt keeps firing', () => {
    // 78% gives W≈0.38 and 77% W≈0.32: both above clearAt 0.3.
    expect(connectionRounds([90, 90, 90, 78, 77, 60])).toEqual(['-', '-', `${KEY}:fired`, '-', '-', `${KEY}:resolved`]);
  });

  it('a fired warning stays up for minFiringMinutes, then resolves', () => {
    expect(connectionRounds([90, 90, 90, 10, 10, 10, 10], 3)).toEqual(['-', '-', `${KEY}:fired`, '-', '-', `${KEY}:resolved`, '-']);
  });

  it('probe-stale fires after three intervals without a round and the next round resolves it', () => {
    const first = evaluateRound(undefined, trioRound('r1', T0), settings(), T0);
    const early = evaluateStaleness(first.state, minutes(T0, 2), 60_000);
    expect(early.evaluation.transitions).toEqual([]);
    expect(early.state).toBe(first.state);
    const stale = evaluateStaleness(first.state, minutes(T0, 3), 60_000);
    expect(stale.evaluation.transitions).toMatchObject([{ alertKey: 'probe-stale', level: 'alarm', change: 'fired', notify: true }]);
    expect(stale.evaluation.transitions[0]?.summary).toMatch(/no probe round for 3 min/);
    const still = evaluateStaleness(stale.state, minutes(T0, 4), 60_000);
    expect(still.evaluation.transitions).toEqual([]);
    const back = evaluateRound(stale.state, trioRound('r2', minutes(T0, 5)), settings(), minutes(T0, 5));
    expect(back.evaluation.transitions).toMatchObject([{ alertKey: 'probe-stale', change: 'resolved', notify: true }]);
  });

  it('silences suppress notification but the transition is recorded with silencedBy', () => {
    const s = settings({ silences: [{ ensemble: 'prod', server: TRIO[2], until: '2030-01-02T00:00:00Z', reason: 'reboot', createdBy: 'ops' }] });
    const out = evaluateRound(undefined, trioRound('r1', T0, ['leader', 'follower', 'unreachable']), s, T0);
    expect(out.evaluation.transitions).toMatchObject([{ change: 'fired', notify: false, silencedBy: 'reboot (until 2030-01-02T00:00:00Z, by ops)' }]);
    expect(out.state.alerts[`server-down:${TRIO[2]}`]?.silencedBy).toContain('reboot');
  });

  it('keeps the state small: 5 servers, a day of rounds with growing metrics stays under 50 KB', () => {
    let state: EnsembleState | undefined;
    const addresses = ['a', 'b', 'c', 'd', 'e'].map((h) => `${h}.zk.internal:2181`);
    for (let i = 0; i < 1440; i++) {
      const servers = addresses.map((address, j) =>
        server(address, {
          mode: j === 0 ? 'leader' : 'follower',
          zxid: `0x3${(0x1000 + i * 50).toString(16).padStart(8, '0')}`,
          metrics: { zk_znode_count: 1000 + i, zk_watch_count: 5000 + 3 * i, zk_approximate_data_size: 1e6 + 100 * i, zk_open_file_descriptor_count: 100 + (i % 7), zk_fsync_threshold_exceed_count: i >> 4 },
          conf: { maxClientCnxns: '60' },
        }),
      );
      state = evaluateRound(state, roundOf(`round-${i}`, minutes(T0, i), servers), settings(), minutes(T0, i)).state;
    }
    const bytes = Buffer.byteLength(JSON.stringify(state));
    expect(state?.lastRoundIds).toHaveLength(MAX_ROUND_IDS);
    expect(bytes).toBeLessThan(50 * 1024);
    console.log(`state after 1440 rounds of 5 servers: ${bytes} bytes`);
  });
});

describe('no duplicate notification, whatever is redelivered', () => {
  const modes: ServerMode[] = ['leader', 'follower', 'not-serving', 'unreachable', 'timeout', 'read-only'];
  const roundSpec = fc.record({ modes: fc.tuple(fc.constantFrom(...modes), fc.constantFrom(...modes), fc.constantFrom(...modes)), connections: fc.integer({ min: 0, max: 100 }), bad: fc.boolean() });
  const event = fc.oneof(
    { weight: 3, arbitrary: roundSpec.map((r) => ({ kind: 'new' as const, ...r })) },
    { weight: 2, arbitrary: fc.nat().map((n) => ({ kind: 'redeliver' as const, pick: n })) },
    { weight: 1, arbitrary: fc.integer({ min: 3, max: 300 }).map((m) => ({ kind: 'sweep' as const, minutes: m })) },
  );

  it('each alert episode notifies fired at most once and resolved only after a notified fired', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 4 }), (events, forRounds) => {
        const s = settings({ thresholds: { ...resolveThresholds({ forRounds, repeatEvery: 'PT30M' }, 'prod') } });
        let state: EnsembleState | undefined;
        let clock = T0.getTime();
        const delivered: ReturnType<typeof trioRound>[] = [];
        const configs = new Map<string, boolean>();
        const notified: Transition[] = [];
        const seenRoundTransitions = new Set<string>();
        for (const e of events) {
          clock += 60_000;
          const now = new Date(clock);
          if (e.kind === 'sweep') {
            if (!state) continue;
            const out = evaluateStaleness(state, new Date(clock + e.minutes * 60_000), 60_000, s);
            state = out.state;
            notified.push(...out.evaluation.transitions.filter((t) => t.notify));
            continue;
          }
          let round;
          if (e.kind === 'new') {
            round = withBusiestIp(trioRound(`r${delivered.length}`, now, e.modes, [{ conf: { maxClientCnxns: '100' }, connections: e.connections }]), e.connections);
            delivered.push(round);
            configs.set(round.roundId, e.bad);
          } else {
            round = delivered[e.pick % Math.max(1, delivered.length)];
            if (!round) continue;
          }
          const out = evaluateRound(state, round, { ...s, configProblems: configs.get(round.roundId) ? ['bad'] : [] }, now);
          state = out.state;
          for (const t of out.evaluation.transitions) {
            const id = `${t.roundId}/${t.alertKey}/${t.change}`;
            expect(seenRoundTransitions.has(id)).toBe(false);
            seenRoundTransitions.add(id);
          }
          notified.push(...out.evaluation.transitions.filter((t) => t.notify));
        }
        const open = new Map<string, boolean>();
        for (const t of notified) {
          if (t.change === 'fired') {
            expect(open.get(t.alertKey) ?? false).toBe(false);
            open.set(t.alertKey, true);
          } else {
            expect(open.get(t.alertKey)).toBe(true);
            if (t.change === 'resolved') open.set(t.alertKey, false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** The round with the first server's `cons` showing `count` connections from one client IP. */
function withBusiestIp(round: ProbeRound, count: number): ProbeRound {
  const [first, ...rest] = round.servers;
  if (!first) return round;
  return { ...round, servers: [{ ...first, clients: { total: count, ips: 1, top: [{ ip: '10.9.9.9', count }] } }, ...rest] };
}
