/**
 * A client writes a 450 KB JSON with long key names into a znode that a `config` rule
 * watches (issue 17): the round's digest names each key, so the stored round used to be
 * over DynamoDB's 400 KB item limit and was rejected, and a server that was really down
 * never alarmed. On a real 3-server ensemble, the round is now stored (dynalite, through
 * the real results-table adapter) and the down server still alarms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsTable } from '../../functions/adapters/aws/results-table.ts';
import { evaluateRound, type EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import { compactRound } from '../../functions/core/probe/compact-round.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { ROUND_BUDGET_BYTES, serializedBytes } from '../../functions/core/probe/round-budget.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { localDynamo } from '../support/dynalite-table.ts';
import { addressesOf, privateEnsemble } from '../support/ensembles.ts';
import { connectedClient } from '../support/zk-client.ts';

const PATH = '/app/config';
/** 100 keys of 4.5 KB each: the digest keeps a hash per key, named by the key. */
const HUGE_JSON = JSON.stringify(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`${String(i).padStart(3, '0')}${'k'.repeat(4500)}`, i])));
const settings: EvaluationSettings = { thresholds: resolveThresholds(DEFAULT_THRESHOLDS, 'big'), silences: [], configProblems: [] };
const DYNAMODB_ITEM_LIMIT = 400 * 1024;

let ensemble: LocalEnsemble;
let table: ResultsTable;
const dynamo = await localDynamo();

beforeAll(async () => {
  ensemble = await privateEnsemble({ size: 3 });
  table = new ResultsTable({ tableName: await dynamo.createResultsTable('big-znode'), client: dynamo.client });
  const writer = await connectedClient(ensemble.connectString);
  try {
    await writer.create('/app', '', 'persistent');
    await writer.create(PATH, HUGE_JSON, 'persistent');
  } finally {
    writer.close();
  }
}, 60_000);
afterAll(() => ensemble?.close());

const probe = (roundId: string) =>
  probeEnsemble(addressesOf(ensemble), {
    ensembleName: 'big',
    roundId,
    timeoutMs: 3000,
    canary: { znodeRules: [{ check: 'config', path: PATH, content: false }] },
  });

async function storeAndRead(round: ProbeRound): Promise<ProbeRound> {
  const stored = compactRound(round);
  expect(await table.putRound(stored, stored.startedAt)).toBe(true);
  for await (const back of table.queryRounds('big', { from: stored.startedAt, to: stored.startedAt })) if (back.roundId === stored.roundId) return back;
  throw new Error(`round ${stored.roundId} not read back`);
}

describe('a 450 KB JSON znode under a config rule', () => {
  it('still stores its round and still alarms on a down server', { timeout: 60_000 }, async () => {
    expect(HUGE_JSON.length).toBeGreaterThan(450_000);
    const healthy = await probe('r1');
    const digest = healthy.znodes?.[0]?.data;
    expect(digest?.size).toBe(HUGE_JSON.length);
    // As probed, the round's JSON is over DynamoDB's item limit: this is what used to be rejected.
    // (The item now stores it deflated, issue 16; the budget holds for the JSON either way.)
    expect(Buffer.byteLength(JSON.stringify(healthy))).toBeGreaterThan(DYNAMODB_ITEM_LIMIT);

    const first = await storeAndRead(healthy);
    expect(serializedBytes(first)).toBeLessThanOrEqual(ROUND_BUDGET_BYTES);
    expect(first.znodes?.[0]).toMatchObject({ status: 'ok', data: { sha256: digest?.sha256 } });
    const before = evaluateRound(undefined, first, settings, new Date(first.startedAt));

    const follower = healthy.servers.findIndex((s) => s.mode === 'follower');
    await ensemble.stop(ensemble.servers[follower]!.id);
    const down = await storeAndRead(await probe('r2'));
    expect(serializedBytes(down)).toBeLessThanOrEqual(ROUND_BUDGET_BYTES);
    const after = evaluateRound(before.state, down, settings, new Date(down.startedAt));
    expect(after.evaluation.transitions.map((t) => [t.alertKey, t.change])).toContainEqual([`server-down:${healthy.servers[follower]!.address}`, 'fired']);
  });
});
