import { describe, expect, it } from 'vitest';
import { ENSEMBLE_STATE_VERSION, MAX_ROUND_IDS } from '../../functions/contract/ensemble-state.ts';
import { evaluateRound } from '../../functions/core/evaluate/evaluate-round.ts';
import { EnsembleStateVersionError, readEnsembleState } from '../../functions/contract/read-ensemble-state.ts';
import { settingsFor } from '../../functions/core/evaluate/settings-snapshot.ts';
import { minutes, TRIO, trioRound } from '../support/probe-rounds.ts';

const T0 = new Date('2030-01-01T00:00:00Z');
const settings = settingsFor({ thresholds: {}, silences: [], configProblems: [] }, 'prod');

/** A version-1 state item as the previous evaluator stored it: one early-warning alert, round-count history, per-signal baselines. */
const VERSION_1 = {
  stateVersion: 1,
  ensembleName: 'prod',
  alerts: {
    'early-warning': { alertKey: 'early-warning', alertName: 'early-warning', level: 'warning', status: 'firing', since: '2029-12-31T23:50:00.000Z', pendingRounds: 3, notified: true, lastNotifiedAt: '2029-12-31T23:50:00.000Z', summary: 'warning probability 0.9' },
    [`server-down:${TRIO[2]}`]: { alertKey: `server-down:${TRIO[2]}`, alertName: 'server-down', level: 'alarm', server: TRIO[2], status: 'firing', since: '2029-12-31T23:58:00.000Z', pendingRounds: 1, notified: true, lastNotifiedAt: '2029-12-31T23:58:00.000Z', summary: 'down' },
  },
  baselines: { [`${TRIO[0]}|latency-max`]: { mean: 3, dev: 1, n: 30 } },
  history: { [`${TRIO[0]}|fd`]: [[1893455400, 50]], '*|zxid-counter': [[1893455400, 5]] },
  elections: ['2029-12-31T23:30:00.000Z'],
  lastEpoch: 1,
  multiLeaderRounds: 0,
  lastProbability: 0.9,
  lastRoundIds: Array.from({ length: 20 }, (_, i) => `old-${i}`),
  lastRoundAt: '2029-12-31T23:59:00.000Z',
  intervalMs: 60_000,
};

describe('reading a stored state', () => {
  it('upgrades version 1: alerts, elections and timing carry over, the old history and baselines are dropped', () => {
    const state = readEnsembleState(structuredClone(VERSION_1), 'state item of ensemble "prod"');
    expect(state).toMatchObject({ stateVersion: ENSEMBLE_STATE_VERSION, ensembleName: 'prod', mem: {}, elections: VERSION_1.elections, lastEpoch: 1, intervalMs: 60_000, lastRoundAt: VERSION_1.lastRoundAt });
    expect(Object.keys(state.alerts).sort()).toEqual(['early-warning', `server-down:${TRIO[2]}`]);
    expect(state.lastRoundIds).toEqual(VERSION_1.lastRoundIds.slice(-MAX_ROUND_IDS));
    expect(state).not.toHaveProperty('history');
    expect(state).not.toHaveProperty('baselines');
  });

  it('the evaluator takes a version-1 state: the old combined warning resolves, the alarm keeps its episode', () => {
    const out = evaluateRound(structuredClone(VERSION_1) as never, trioRound('r1', T0, ['leader', 'follower', 'unreachable']), settings, T0);
    expect(out.state.stateVersion).toBe(ENSEMBLE_STATE_VERSION);
    expect(out.evaluation.transitions.map((t) => [t.alertKey, t.change])).toEqual([['early-warning', 'resolved']]);
    expect(out.state.alerts[`server-down:${TRIO[2]}`]?.since).toBe('2029-12-31T23:58:00.000Z');
    const next = evaluateRound(out.state, trioRound('r2', minutes(T0, 1)), settings, minutes(T0, 1));
    expect(next.evaluation.transitions.map((t) => [t.alertKey, t.change])).toEqual([[`server-down:${TRIO[2]}`, 'resolved']]);
  });

  it('refuses a version it does not know, saying which and what to do', () => {
    expect(() => readEnsembleState({ ...VERSION_1, stateVersion: 3 }, 'state item of ensemble "prod"')).toThrow(EnsembleStateVersionError);
    expect(() => readEnsembleState({ ...VERSION_1, stateVersion: 3 }, 'state item of ensemble "prod"')).toThrow(
      /^state item of ensemble "prod": stateVersion 3 is not one this evaluator reads \(1 or 2\); a newer evaluator wrote it/,
    );
    expect(() => readEnsembleState({ ensembleName: 'prod' }, 'x')).toThrow(/x: stateVersion undefined is not one/);
    expect(() => readEnsembleState('{}', 'x')).toThrow(/x: expected an object, got string/);
    expect(() => readEnsembleState({ stateVersion: 1 }, 'x')).toThrow(/x: version 1 state without an ensembleName/);
  });

  it('a current state comes back as it is', () => {
    const out = evaluateRound(undefined, trioRound('r1', T0), settings, T0);
    expect(readEnsembleState(out.state, 'x')).toBe(out.state);
  });
});
