/**
 * The state item read back through the real results table on dynalite: an older state is
 * upgraded, and a state or outbox message of a version this code does not read is refused
 * with an error naming the item, the entry and both versions, before anything is evaluated.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResultsTable, stateItem } from '../../functions/adapters/aws/results-table.ts';
import { ALERT_MESSAGE_VERSION } from '../../functions/contract/alert-message.ts';
import { ENSEMBLE_STATE_VERSION, initialState } from '../../functions/contract/ensemble-state.ts';
import { AlertMessageFormatError } from '../../functions/contract/read-alert-message.ts';
import { EnsembleStateVersionError } from '../../functions/contract/read-ensemble-state.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';
import { localDynamo, type LocalDynamo } from '../support/dynalite-table.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await localDynamo();
});

/** A table holding one state item for `trio`, written as a (possibly older or newer) writer left it. */
async function tableWith(state: unknown, outbox: unknown[]): Promise<ResultsTable> {
  const table = new ResultsTable({ tableName: await dynamo.createResultsTable(), client: dynamo.client });
  await dynamo.client.send(new PutItemCommand({ TableName: table.tableName, Item: stateItem('trio', { state, outbox } as never, 4) }));
  return table;
}

describe('reading the state item', () => {
  it('upgrades a version 1 state and keeps the outbox', async () => {
    const message = sampleMessage('trio');
    const table = await tableWith({ stateVersion: 1, ensembleName: 'trio', alerts: {}, history: { x: [] }, elections: [], multiLeaderRounds: 0, lastRoundIds: ['r9'] }, [message]);
    const read = await table.getState('trio');
    expect(read?.state).toMatchObject({ stateVersion: ENSEMBLE_STATE_VERSION, ensembleName: 'trio', mem: {}, lastRoundIds: ['r9'] });
    expect(read?.outbox).toEqual([message]);
    expect(read?.rev).toBe(4);
  });

  it('refuses a state a newer evaluator wrote, naming the item and both versions', async () => {
    const table = await tableWith({ ...initialState('trio'), stateVersion: ENSEMBLE_STATE_VERSION + 1 }, []);
    await expect(table.getState('trio')).rejects.toThrow(EnsembleStateVersionError);
    await expect(table.getState('trio')).rejects.toThrow(
      `state item of ensemble "trio": stateVersion ${ENSEMBLE_STATE_VERSION + 1} is not one this evaluator reads (1 or ${ENSEMBLE_STATE_VERSION}); a newer evaluator wrote it`,
    );
  });

  it('refuses an outbox message of a version it does not read, naming the item and the entry', async () => {
    const table = await tableWith(initialState('trio'), [sampleMessage('trio'), { ...sampleMessage('trio'), version: ALERT_MESSAGE_VERSION + 1 }]);
    await expect(table.getState('trio')).rejects.toThrow(AlertMessageFormatError);
    await expect(table.getState('trio')).rejects.toThrow(
      `state item of ensemble "trio": outbox[1]: AlertMessage version ${ALERT_MESSAGE_VERSION + 1} is not one this code reads (${ALERT_MESSAGE_VERSION})`,
    );
  });
});
