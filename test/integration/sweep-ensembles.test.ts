/**
 * The sweep's use case on a real results table (dynalite): each ensemble is checked on its
 * own, so one whose check fails is reported while the others are still swept; a silent
 * ensemble turns probe-stale once, a fresh one and one never probed are left alone.
 */
import { describe, expect, it } from 'vitest';
import { ResultsTable } from '../../functions/adapters/aws/results-table.ts';
import { evaluateEnsembleRound, type EvaluationPorts } from '../../functions/app/evaluate-ensemble.ts';
import { sweepEnsembles } from '../../functions/app/sweep-ensembles.ts';
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import { minutes, trioRound } from '../support/probe-rounds.ts';
import { localDynamo } from '../support/dynalite-table.ts';

const T0 = new Date('2026-03-01T12:00:00Z');

describe('sweepEnsembles', () => {
  it('reports the ensemble it could not check and sweeps the rest', async () => {
    const dynamo = await localDynamo();
    const table = new ResultsTable({ tableName: await dynamo.createResultsTable(), client: dynamo.client });
    const published: AlertMessage[] = [];
    let now = T0;
    const ports: EvaluationPorts = {
      store: table,
      settings: async (name) => {
        if (name === 'broken') throw new Error('thresholds unreadable');
        return { thresholds: resolveThresholds(DEFAULT_THRESHOLDS, name), silences: [], configProblems: [] };
      },
      notifier: { publish: async (message) => void published.push(message) },
      clock: () => now,
    };
    await evaluateEnsembleRound({ ...trioRound('old-1', T0), ensembleName: 'old' }, ports);
    await evaluateEnsembleRound({ ...trioRound('fresh-1', minutes(T0, 4)), ensembleName: 'fresh' }, ports);

    now = minutes(T0, 4.5);
    const ensembles = ['broken', 'old', 'fresh', 'never'].map((name) => ({ name, intervalSeconds: 60 }));
    const report = await sweepEnsembles(ensembles, ports);
    expect(report).toMatchObject({ swept: 3, stale: ['old'], published: 1, transitions: ['old: fired probe-stale'], undeliverable: [] });
    expect(report.failed).toEqual([{ ensemble: 'broken', error: new Error('thresholds unreadable') }]);
    expect(published.map((m) => `${m.ensembleName} ${m.severity}`)).toEqual(['old alarm']);

    now = minutes(T0, 5);
    expect(await sweepEnsembles(ensembles.slice(1), ports)).toMatchObject({ swept: 3, stale: ['old'], published: 0, transitions: [], failed: [] });
  });
});
