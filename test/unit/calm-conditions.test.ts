import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAlarms } from '../../functions/core/evaluate/alarm-checks.ts';
import { advanceAlerts, canChange, type AlertCondition, type LifecycleContext } from '../../functions/core/evaluate/alert-lifecycle.ts';
import { blindSpotConditions } from '../../functions/core/evaluate/blind-spots.ts';
import { rejectedConnections } from '../../functions/core/evaluate/rejected-connections.ts';
import type { AlertRecord } from '../../functions/contract/ensemble-state.ts';
import type { AlertName } from '../../functions/contract/transition.ts';
import { arbitraryRound } from '../support/arbitrary-rounds.ts';

/** Some of the keys of `conditions` (and one nobody produces), as the stored alerts' keys. */
const someKeysOf = (conditions: readonly AlertCondition[]) =>
  fc.subarray(conditions.map((c) => c.alertKey)).map((keys): ReadonlySet<string> => new Set([...keys, 'server-down:10.9.9.9:2181']));

const couldChange = (conditions: readonly AlertCondition[], stored: ReadonlySet<string>) => conditions.filter((c) => canChange(stored, c.alertKey, c.state));

describe('producers given the stored keys leave out exactly the conditions that can change nothing', () => {
  it('checkAlarms', () => {
    const cases = fc.tuple(arbitraryRound(), fc.integer({ min: 0, max: 3 })).chain(([round, multiLeaderRounds]) => {
      const all = checkAlarms(round, { multiLeaderRounds });
      return fc.tuple(fc.constant(round), fc.constant(multiLeaderRounds), fc.constant(all), someKeysOf(all.conditions));
    });
    fc.assert(
      fc.property(cases, ([round, multiLeaderRounds, all, stored]) => {
        expect(checkAlarms(round, { multiLeaderRounds }, stored)).toStrictEqual({ ...all, conditions: couldChange(all.conditions, stored) });
      }),
      { numRuns: 3000 },
    );
  });

  it('blindSpotConditions, with signals switched off or not', () => {
    const modes = fc.constantFrom({}, { 'fd-use': { mode: 'off' } }, { 'pending-syncs': { mode: 'off' }, 'zxid-lag': { mode: 'off' } });
    const cases = fc.tuple(arbitraryRound(), modes).chain(([round, m]) => {
      const all = blindSpotConditions(round, m);
      return fc.tuple(fc.constant(round), fc.constant(m), fc.constant(all), someKeysOf(all));
    });
    fc.assert(
      fc.property(cases, ([round, m, all, stored]) => {
        expect(blindSpotConditions(round, m, stored)).toStrictEqual(couldChange(all, stored));
      }),
      { numRuns: 3000 },
    );
  });

  it('rejectedConnections', () => {
    const turnedAway = fc.array(
      fc.record({ server: fc.constantFrom('10.0.0.1:2181', '10.0.0.2:2181', '10.0.0.3:2181'), rejected: fc.nat(3), busiest: fc.option(fc.record({ ip: fc.constant('10.1.1.1'), count: fc.nat(90) }), { nil: undefined }) }),
      { maxLength: 3 },
    );
    const cases = turnedAway
      .map((list) => list.map(({ busiest, ...t }) => (busiest ? { ...t, busiest } : t)))
      .chain((list) => {
        const all = rejectedConnections(list);
        return fc.tuple(fc.constant(list), fc.constant(all), someKeysOf(all));
      });
    fc.assert(
      fc.property(cases, ([list, all, stored]) => {
        expect(rejectedConnections(list, stored)).toStrictEqual(couldChange(all, stored));
      }),
      { numRuns: 2000 },
    );
  });
});

const KEYS: readonly [string, AlertName, string | undefined][] = [
  ['server-down:a:1', 'server-down', 'a:1'],
  ['server-down:b:1', 'server-down', 'b:1'],
  ['no-leader', 'no-leader', undefined],
  ['early-warning:fd-use:a:1', 'early-warning', 'a:1'],
  ['blind-spot:a:1', 'blind-spot', 'a:1'],
];
const TIMES = ['2029-12-31T20:00:00.000Z', '2029-12-31T23:59:00.000Z', '2030-01-01T00:00:00.000Z'];

const arbitraryRecord = (key: string, alertName: AlertName, server: string | undefined): fc.Arbitrary<AlertRecord> =>
  fc
    .record({
      status: fc.constantFrom<AlertRecord['status']>('pending', 'firing'),
      since: fc.constantFrom(...TIMES),
      pendingRounds: fc.integer({ min: 1, max: 3 }),
      notified: fc.boolean(),
      lastNotifiedAt: fc.option(fc.constantFrom(...TIMES), { nil: undefined }),
      inhibitedBy: fc.option(fc.constant('quorum-lost'), { nil: undefined }),
    })
    .map(({ lastNotifiedAt, inhibitedBy, ...r }) => ({
      alertKey: key,
      alertName,
      level: alertName === 'early-warning' ? 'warning' : alertName === 'blind-spot' ? 'info' : 'alarm',
      ...(server ? { server } : {}),
      ...r,
      summary: `${key} stored`,
      ...(lastNotifiedAt ? { lastNotifiedAt } : {}),
      ...(inhibitedBy ? { inhibitedBy } : {}),
    }));

const arbitraryCondition = (key: string, alertName: AlertName, server: string | undefined): fc.Arbitrary<AlertCondition> =>
  fc
    .record({
      state: fc.constantFrom<AlertCondition['state']>('raise', 'hold', 'clear'),
      forRounds: fc.integer({ min: 1, max: 3 }),
      minFiringMs: fc.option(fc.constantFrom(0, 600_000), { nil: undefined }),
      inhibitedBy: fc.option(fc.constant('quorum-lost'), { nil: undefined }),
    })
    .map(({ minFiringMs, inhibitedBy, ...c }) => ({
      alertKey: key,
      alertName,
      level: alertName === 'early-warning' ? 'warning' : alertName === 'blind-spot' ? 'info' : 'alarm',
      ...(server ? { server } : {}),
      ...c,
      summary: `${key} now`,
      signals: [],
      ...(minFiringMs !== undefined ? { minFiringMs } : {}),
      ...(inhibitedBy ? { inhibitedBy } : {}),
    }));

describe('advanceAlerts', () => {
  it('is the same without the conditions canChange says can change nothing (not raised, nothing stored)', () => {
    const perKey = KEYS.map(([key, name, server]) => fc.tuple(fc.option(arbitraryRecord(key, name, server), { nil: undefined }), fc.option(arbitraryCondition(key, name, server), { nil: undefined })));
    const silences = fc.constantFrom([], [{ ensemble: 'prod', alertName: 'server-down' as const, until: '2030-01-02T00:00:00Z', reason: 'swap', id: 'sil-1' }]);
    const scope = fc.constantFrom<AlertName[]>(['server-down', 'no-leader', 'early-warning', 'blind-spot'], ['server-down']);
    fc.assert(
      fc.property(fc.tuple(...perKey), silences, scope, fc.constantFrom(0, 3_600_000), (pairs, s, sc, repeatEveryMs) => {
        const previous = Object.fromEntries(pairs.flatMap(([record]) => (record ? [[record.alertKey, record]] : [])));
        const conditions = pairs.flatMap(([, condition]) => (condition ? [condition] : []));
        const ctx: LifecycleContext = { ensembleName: 'prod', roundId: 'r1', now: new Date('2030-01-01T00:00:00Z'), repeatEveryMs, silences: s, scope: sc };
        const kept = couldChange(conditions, new Set(Object.keys(previous)));
        expect(advanceAlerts(previous, kept, ctx)).toStrictEqual(advanceAlerts(previous, conditions, ctx));
      }),
      { numRuns: 5000 },
    );
  });
});
