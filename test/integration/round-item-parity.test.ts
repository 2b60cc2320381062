/**
 * The probe Lambda and local mode store the same round item for the same probe result
 * (issue 12): a backtest of local data is a backtest of what AWS stores. One real round of
 * the trio is taken once; a fake prober hands it to both shells, the probe handler with its
 * environment (its table on dynalite) and the local pipeline on its embedded store, and the
 * raw items they write are compared attribute by attribute, the body byte for byte.
 */
import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { LOCAL_TABLE, openEmbeddedStore, type EmbeddedStore } from '../../functions/adapters/local/embedded-store.ts';
import { parseLocalConfig } from '../../cli/local/local-config.ts';
import { LocalPipeline } from '../../cli/local/local-pipeline.ts';
import { decodeRoundItem, roundPartitionKey } from '../../functions/adapters/aws/results-table.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import type { Prober } from '../../functions/app/probe-and-store.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { compactRound } from '../../functions/core/probe/compact-round.ts';
import { roundIdOf } from '../../functions/core/probe/round-slots.ts';
import { localDynamo, stubHandlerEnvironment, type LocalDynamo } from '../support/dynalite-table.ts';

const NAME = 'parity';
const SCHEDULED = '2026-03-01T12:00:00.000Z';
const trio = () => inject('trio').servers.map(({ host, port }) => ({ host, port }));

let dynamo: LocalDynamo;
let lambdaTable: string;
let store: EmbeddedStore;
let probed: ProbeRound;
const asked: { servers: unknown; roundId?: string }[] = [];

/** The fixed round, as a prober asked for this slot returns it. */
const fixedProber: Prober = async (servers, options) => {
  asked.push({ servers, roundId: options.roundId });
  return { ...structuredClone(probed), ensembleName: options.ensembleName, roundId: options.roundId ?? probed.roundId };
};

beforeAll(async () => {
  probed = await probeEnsemble(trio(), { ensembleName: NAME, timeoutMs: 3000, canary: {} });
  dynamo = await localDynamo();
  lambdaTable = await dynamo.createResultsTable();
  stubHandlerEnvironment(dynamo, lambdaTable, {}, { metrics: false });
  store = await openEmbeddedStore(null);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await store?.close();
});

async function roundItems(client: DynamoDBClient, tableName: string): Promise<Record<string, AttributeValue>[]> {
  const { Items } = await client.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: roundPartitionKey(NAME) } } }),
  );
  return Items ?? [];
}

describe('one probe result, two shells', () => {
  it('the probe Lambda and `run` write byte-identical round items: the compact round, keyed and aged alike', async () => {
    const { createProbeHandler } = await import('../../functions/handlers/probe.ts');
    expect(await createProbeHandler(fixedProber)({ ensemble: { name: NAME, servers: trio(), canary: {} }, scheduledTime: SCHEDULED })).toEqual({
      written: 1,
      alreadyWritten: 0,
    });

    const config = parseLocalConfig({ ensembles: [{ name: NAME, servers: trio().map((s) => `${s.host}:${s.port}`) }], storeDir: null }, 'parity config');
    const pipeline = new LocalPipeline({ config, table: store.table, notifier: { publish: async () => undefined }, clock: () => new Date(SCHEDULED), prober: fixedProber });
    const [tick] = await pipeline.tick();
    expect(tick?.error).toBeUndefined();

    const [lambdaItem, ...moreLambda] = await roundItems(dynamo.client, lambdaTable);
    const [localItem, ...moreLocal] = await roundItems(store.client, LOCAL_TABLE);
    expect([moreLambda, moreLocal]).toEqual([[], []]);
    expect(Object.keys(localItem!).sort()).toEqual(Object.keys(lambdaItem!).sort());
    expect(localItem).toEqual(lambdaItem);
    expect(Buffer.from(localItem!.body!.B!).equals(Buffer.from(lambdaItem!.body!.B!))).toBe(true);

    // Both asked the prober for the same slot of the same servers, and both stored the compacted round.
    const roundId = roundIdOf(NAME, new Date(SCHEDULED));
    expect(asked.map((a) => a.roundId)).toEqual([roundId, roundId]);
    expect(asked[1]?.servers).toEqual(asked[0]?.servers);
    expect(decodeRoundItem(localItem!)).toEqual(compactRound({ ...probed, roundId }));
    // Local mode still shows the round as probed (what /metrics exports), not the compacted one.
    expect(tick?.round?.servers[0]?.summary.version).toBe(probed.servers[0]?.summary.version);
    expect(probed.servers[0]?.summary.version).toEqual(expect.any(String));
  });
});
