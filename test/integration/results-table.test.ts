import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeRoundItem, ensembleKey, ResultsTable, roundItem, roundPartitionKey, roundSortKey, StoredItemError, type ItemImage } from '../../functions/adapters/aws/results-table.ts';
import { StateConflictError, type StateWrite } from '../../functions/app/state-store.ts';
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import { initialState } from '../../functions/contract/ensemble-state.ts';
import type { EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import { compactRound } from '../../functions/core/probe/compact-round.ts';
import { PROBE_ROUND_VERSION, type ProbeRound } from '../../functions/contract/probe-round.ts';
import {
  AlertDeliveryError,
  evaluateEnsembleRound,
  sweepEnsemble,
  type AlertNotifier,
  type EvaluationPorts,
  type StateStore,
} from '../../functions/app/evaluate-ensemble.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';
import { localDynamo, type LocalDynamo } from '../support/dynalite-table.ts';
import { followerIndex, retimed, withServerDown } from '../support/rounds.ts';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

let dynamo: LocalDynamo;
let healthy: ProbeRound;

beforeAll(async () => {
  dynamo = await localDynamo();
  healthy = compactRound(await probeEnsemble(inject('trio').servers, { ensembleName: 'trio', canary: {}, timeoutMs: 3000 }));
});

const follower = () => followerIndex(healthy);

async function freshTable(): Promise<ResultsTable> {
  return new ResultsTable({ tableName: await dynamo.createResultsTable(), client: dynamo.client });
}

describe('round items', () => {
  it('writes a round once per scheduled time and refuses the retried copy', async () => {
    const table = await freshTable();
    const round = retimed(healthy, T0);
    expect(await table.putRound(round, T0)).toBe(true);
    expect(await table.putRound({ ...round, durationMs: round.durationMs + 1 }, T0)).toBe(false);

    const stored = [];
    for await (const r of table.queryRounds('trio')) stored.push(r);
    expect(stored).toEqual([round]);
  });

  it('keys by scheduled time, sets the TTL 14 days out and stores the compact JSON', async () => {
    const table = await freshTable();
    const round = retimed(healthy, minutes(1));
    await table.putRound(round, '2026-03-01T12:01:00Z');
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: roundPartitionKey('trio') }, sk: { S: roundSortKey(minutes(1), round.roundId) } } }),
    );
    expect(Item?.sk?.S).toBe(`R#2026-03-01T12:01:00.000Z#${round.roundId}`);
    expect(Number(Item?.ttl?.N)).toBe(minutes(1).getTime() / 1000 + 14 * 86_400);
    expect(Item?.type?.S).toBe('round');
    expect(Item && decodeRoundItem(Item)).toEqual(round);
  });

  it('keeps a real 3-server round well under 4 KB of JSON and its write at one unit', async () => {
    const table = await freshTable();
    // Was: JSON text < 2800 B (issue 13's counters) and ≤ 3 units. Since issue 16 the item
    // stores the JSON deflated, so the budget is the stored body: one write unit. (With
    // issue 13b's clients the JSON text itself is now ~2.8 KB; it is no longer what is billed.)
    expect(Buffer.byteLength(JSON.stringify(healthy))).toBeLessThan(4096);
    expect(roundItem(healthy, T0).body?.B?.byteLength).toBeLessThan(1024 - 200);
    const before = table.capacityUsed().writeUnits;
    await table.putRound(retimed(healthy, T0), T0);
    const units = table.capacityUsed().writeUnits - before;
    expect(units).toBe(1);
  });

  it('keeps a 5-server round in one write unit', () => {
    const [a, b] = healthy.servers;
    const five = { ...healthy, servers: [...healthy.servers, { ...a!, address: '10.0.0.4:2181' }, { ...b!, address: '10.0.0.5:2181' }] };
    // Was: JSON text < 4096 B. Since issue 16 the stored body (deflated) is what counts: one write unit.
    expect(roundItem(five as ProbeRound, T0).body?.B?.byteLength).toBeLessThan(1024 - 200);
  });

  it('queries a time range in order, page by page', async () => {
    const table = await freshTable();
    const rounds = [0, 1, 2, 3, 4].map((n) => retimed(healthy, minutes(n)));
    for (const [n, round] of rounds.entries()) await table.putRound(round, minutes(n));
    await table.putRound(retimed(healthy, minutes(2), 'other'), minutes(2));

    const ids = async (range: Parameters<ResultsTable['queryRounds']>[1]) => {
      const out: string[] = [];
      for await (const r of table.queryRounds('trio', range)) out.push(r.roundId);
      return out;
    };
    expect(await ids({ pageSize: 2 })).toEqual(rounds.map((r) => r.roundId));
    expect(await ids({ from: minutes(1), to: minutes(3), pageSize: 1 })).toEqual(rounds.slice(1, 4).map((r) => r.roundId));
    expect(await ids({ from: minutes(10) })).toEqual([]);
  });

  it('writes rounds under the round partition, apart from the state item, and still reads rounds of the older layout in time order', async () => {
    const table = await freshTable();
    const byMinute = [0, 1, 2, 3].map((n) => retimed(healthy, minutes(n)));
    for (const n of [0, 2]) {
      // The older layout: the round under the state item's partition key.
      await dynamo.client.send(new PutItemCommand({ TableName: table.tableName, Item: { ...roundItem(byMinute[n]!, minutes(n)), pk: { S: ensembleKey('trio') } } }));
    }
    for (const n of [1, 3]) expect(await table.putRound(byMinute[n]!, minutes(n))).toBe(true);
    await table.putState('trio', { state: initialState('trio'), outbox: [] }, undefined);

    const ids: string[] = [];
    for await (const r of table.queryRounds('trio', { pageSize: 1 })) ids.push(r.roundId);
    expect(ids).toEqual(byMinute.map((r) => r.roundId));
    const { Item } = await dynamo.client.send(new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: roundPartitionKey('trio') }, sk: { S: roundSortKey(minutes(1), byMinute[1]!.roundId) } } }));
    expect(Item?.type?.S).toBe('round');
    expect((await table.getState('trio'))?.rev).toBe(1);
    expect(roundPartitionKey('trio')).not.toBe(ensembleKey('trio'));
  });

  it('names the item and the problem when a stored round cannot be read', async () => {
    const table = await freshTable();
    const newer = PROBE_ROUND_VERSION + 1;
    const Item = { pk: { S: ensembleKey('trio') }, sk: { S: 'R#2026-03-01T12:00:00.000Z#x' }, type: { S: 'round' }, roundVersion: { N: String(newer) }, round: { S: '{}' } };
    await dynamo.client.send(new PutItemCommand({ TableName: table.tableName, Item }));
    const read = async () => {
      for await (const _ of table.queryRounds('trio')) return;
    };
    await expect(read()).rejects.toThrow(StoredItemError);
    await expect(read()).rejects.toThrow(`item ENS#trio / R#2026-03-01T12:00:00.000Z#x: roundVersion ${newer}, this code reads 1 to ${PROBE_ROUND_VERSION}`);
    expect(() => decodeRoundItem({ ...Item, roundVersion: { N: '1' }, round: { S: '{not json' } })).toThrow(/attribute "round" is not JSON/);
    expect(() => decodeRoundItem({ ...Item, roundVersion: { N: '2' }, round: { S: '{"version":7}' } })).toThrow(`round version 7, this code reads versions 1 to ${PROBE_ROUND_VERSION}`);
  });

  // Issue 16: the round's JSON deflated with the round dictionary: one write unit.
  it('stores a real 3-server round in one write unit (≤ 1 KB), its body deflated and named by its encoding', async () => {
    const table = await freshTable();
    const item = roundItem(retimed(healthy, T0), T0);
    expect(item.enc?.S).toBe('r1');
    expect(item.round).toBeUndefined();
    expect(item.body?.B?.byteLength).toBeLessThan(1024 - 200);
    const before = table.capacityUsed().writeUnits;
    await table.putRound(retimed(healthy, T0), T0);
    expect(table.capacityUsed().writeUnits - before).toBe(1);
  });

  it('still reads a round item written before compression, with the round as JSON text', async () => {
    const table = await freshTable();
    const round = retimed(healthy, minutes(2));
    const { enc: _enc, body: _body, ...rest } = roundItem(round, minutes(2));
    await dynamo.client.send(new PutItemCommand({ TableName: table.tableName, Item: { ...rest, round: { S: JSON.stringify(round) } } }));
    const stored = [];
    for await (const r of table.queryRounds('trio')) stored.push(r);
    expect(stored).toEqual([round]);
  });

  it('names a body it cannot read', () => {
    const item = roundItem(retimed(healthy, T0), T0);
    expect(() => decodeRoundItem({ ...item, enc: { S: 'r7' } } as ItemImage)).toThrow(new StoredItemError(`item RND#trio / ${item.sk?.S}: attribute "body": encoding "r7" is unknown; this code reads r1, s1`));
    expect(() => decodeRoundItem({ ...item, body: { B: new Uint8Array([1, 2, 3]) } } as ItemImage)).toThrow(StoredItemError);
    const { body: _body, ...bodiless } = item;
    expect(() => decodeRoundItem(bodiless as ItemImage)).toThrow(/attribute "body" \(or "round", before compression\) missing/);
  });

  it('reads a version 1 round (before znode rules) as the current version', () => {
    const v1 = { ...healthy, version: 1 } as unknown as ProbeRound;
    const item = { ...roundItem(v1, minutes(0)), roundVersion: { N: '1' } };
    const read = decodeRoundItem(item as ItemImage);
    expect(read.version).toBe(PROBE_ROUND_VERSION);
    expect(read.servers).toEqual(healthy.servers);
    expect(read.znodes).toBeUndefined();
  });

  it('refuses a scheduled time that is not a time', async () => {
    const table = await freshTable();
    await expect(table.putRound(healthy, 'yesterday')).rejects.toThrow('scheduledAt: "yesterday" is not a time');
  });
});

describe('the state item', () => {
  it('is created once, then written only over the revision it was read at', async () => {
    const table = await freshTable();
    const state = initialState('trio');
    expect(await table.putState('trio', { state, outbox: [] }, undefined)).toBe(1);
    await expect(table.putState('trio', { state, outbox: [] }, undefined)).rejects.toThrow(StateConflictError);

    const read = await table.getState('trio');
    expect(read).toEqual({ state, outbox: [], rev: 1 });
    const next = { ...state, lastRoundIds: ['r1'] };
    expect(await table.putState('trio', { state: next, outbox: [] }, 1)).toBe(2);
    await expect(table.putState('trio', { state, outbox: [] }, 1)).rejects.toThrow('state of ensemble "trio" changed since revision 1 was read');
    expect((await table.getState('trio'))?.state.lastRoundIds).toEqual(['r1']);
  });

  it('still reads a state item written before compression (state and outbox as JSON text) and writes it back compressed', async () => {
    const table = await freshTable();
    const state = { ...initialState('trio'), lastRoundIds: ['old'] };
    const message = sampleMessage('trio');
    const Item = { pk: { S: ensembleKey('trio') }, sk: { S: 'STATE' }, type: { S: 'state' }, rev: { N: '7' }, state: { S: JSON.stringify(state) }, outbox: { L: [{ S: JSON.stringify(message) }] } };
    await dynamo.client.send(new PutItemCommand({ TableName: table.tableName, Item }));
    expect(await table.getState('trio')).toEqual({ state, outbox: [message], rev: 7 });
    expect(await table.putState('trio', { state, outbox: [] }, 7)).toBe(8);
    const { Item: written } = await dynamo.client.send(new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: ensembleKey('trio') }, sk: { S: 'STATE' } } }));
    expect(written?.enc?.S).toBe('s1');
    expect(written?.state).toBeUndefined();
    expect(await table.getState('trio')).toEqual({ state, outbox: [], rev: 8 });
  });

  it('reads strongly consistent and reports the request units used', async () => {
    const table = await freshTable();
    expect(await table.getState('nobody')).toBeUndefined();
    await table.putState('trio', { state: initialState('trio'), outbox: [] }, undefined);
    await table.getState('trio');
    const used = table.capacityUsed();
    expect(used.readUnits).toBe(2);
    expect(used.writeUnits).toBe(1);
  });
});

/** The notifier boundary (SNS in Lambda): records what was accepted, refuses the first `failures` calls. */
class RecordingNotifier implements AlertNotifier {
  readonly sent: AlertMessage[] = [];
  constructor(public failures = 0) {}
  async publish(message: AlertMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SNS: Rate exceeded');
    }
    this.sent.push(message);
  }
}

const settings = async (name: string): Promise<EvaluationSettings> => ({
  thresholds: resolveThresholds(DEFAULT_THRESHOLDS, name),
  silences: [],
  configProblems: [],
});

function ports(store: StateStore, notifier: AlertNotifier, now = minutes(10)): EvaluationPorts {
  return { store, notifier, settings, clock: () => now };
}

/** The store, except that `before` runs just ahead of the first state write: a writer overtaking this one. */
function overtakenOnce(store: StateStore, before: () => Promise<unknown>): StateStore {
  let overtaken = false;
  return {
    getState: (name) => store.getState(name),
    async putState(name, write, rev) {
      if (!overtaken) {
        overtaken = true;
        await before();
      }
      return store.putState(name, write, rev);
    },
  };
}

const changes = (sent: AlertMessage[]) => sent.flatMap((m) => m.changes.map((c) => `${c.change} ${c.alertKey}`));

describe('evaluating against the table', () => {
  it('two evaluators race on one ensemble: one wins, the other re-reads and recomputes, each effect lands once', async () => {
    const table = await freshTable();
    const notifier = new RecordingNotifier();
    const first = retimed(healthy, minutes(0));
    const second = withServerDown(retimed(healthy, minutes(1)), follower());

    const loser = await evaluateEnsembleRound(
      second,
      ports(
        overtakenOnce(table, () => evaluateEnsembleRound(first, ports(table, notifier))),
        notifier,
      ),
    );

    expect(loser.conflicts).toBe(1);
    const stored = await table.getState('trio');
    expect(stored?.state.lastRoundIds).toEqual([first.roundId, second.roundId]);
    expect(stored?.outbox).toEqual([]);
    expect(Object.keys(stored?.state.alerts ?? {})).toEqual([`server-down:${second.servers[follower()]?.address}`]);
    expect(changes(notifier.sent)).toEqual([`fired server-down:${second.servers[follower()]?.address}`]);
  });

  it('a redelivered round yields one set of transitions and is not written again', async () => {
    const table = await freshTable();
    const notifier = new RecordingNotifier();
    const down = withServerDown(retimed(healthy, minutes(1)), follower());
    await evaluateEnsembleRound(retimed(healthy, minutes(0)), ports(table, notifier));
    const once = await evaluateEnsembleRound(down, ports(table, notifier));
    const writes = table.capacityUsed().writeUnits;
    const again = await evaluateEnsembleRound(structuredClone(down), ports(table, notifier));

    expect(once.evaluation?.transitions.map((t) => t.change)).toEqual(['fired']);
    expect(again.evaluation).toBeUndefined();
    expect(again.published).toEqual([]);
    expect(table.capacityUsed().writeUnits).toBe(writes);
    expect(notifier.sent).toHaveLength(1);
  });

  it('a publish failure leaves the message in the outbox; the retry publishes it once without re-evaluating', async () => {
    const table = await freshTable();
    const notifier = new RecordingNotifier(1);
    await evaluateEnsembleRound(retimed(healthy, minutes(0)), ports(table, notifier));
    const down = withServerDown(retimed(healthy, minutes(1)), follower());

    await expect(evaluateEnsembleRound(down, ports(table, notifier))).rejects.toThrow(AlertDeliveryError);
    const pending = await table.getState('trio');
    expect(pending?.outbox.map((m) => m.roundId)).toEqual([down.roundId]);
    expect(pending?.state.lastRoundIds).toContain(down.roundId);

    const retry = await evaluateEnsembleRound(down, ports(table, notifier));
    expect(retry.evaluation).toBeUndefined();
    expect(retry.published).toEqual(pending?.outbox);
    expect(notifier.sent).toEqual(pending?.outbox);
    expect((await table.getState('trio'))?.outbox).toEqual([]);
  });

  it('a leftover message goes out before the next round\'s, oldest first', async () => {
    const table = await freshTable();
    const notifier = new RecordingNotifier(1);
    await evaluateEnsembleRound(retimed(healthy, minutes(0)), ports(table, notifier));
    const down = withServerDown(retimed(healthy, minutes(1)), follower());
    await expect(evaluateEnsembleRound(down, ports(table, notifier))).rejects.toThrow('1 message(s) stay in the outbox: SNS: Rate exceeded');

    const back = await evaluateEnsembleRound(retimed(healthy, minutes(2)), ports(table, notifier));
    const key = `server-down:${down.servers[follower()]?.address}`;
    expect(changes(back.published)).toEqual([`fired ${key}`, `resolved ${key}`]);
    expect(changes(notifier.sent)).toEqual([`fired ${key}`, `resolved ${key}`]);
  });

  it('a message that can never be published is dropped and reported, not retried forever', async () => {
    const table = await freshTable();
    class TooLarge extends Error {}
    const refusing: AlertNotifier = { publish: () => Promise.reject(new TooLarge('does not fit in 262144 bytes')) };
    await evaluateEnsembleRound(retimed(healthy, minutes(0)), ports(table, refusing));
    const down = withServerDown(retimed(healthy, minutes(1)), follower());
    const outcome = await evaluateEnsembleRound(down, { ...ports(table, refusing), isUndeliverable: (err) => err instanceof TooLarge });
    expect(outcome.published).toEqual([]);
    expect(outcome.undeliverable.map((u) => [u.message.roundId, u.error])).toEqual([[down.roundId, 'does not fit in 262144 bytes']]);
    expect((await table.getState('trio'))?.outbox).toEqual([]);
  });

  it('a crash between publish and the outbox write sends that message again (the at-least-once window)', async () => {
    const table = await freshTable();
    const notifier = new RecordingNotifier();
    await evaluateEnsembleRound(retimed(healthy, minutes(0)), ports(table, notifier));
    let writes = 0;
    const crashesOnClear: StateStore = {
      getState: (name) => table.getState(name),
      putState: (name, write, rev) => (++writes === 2 ? Promise.reject(new Error('Lambda timed out')) : table.putState(name, write, rev)),
    };
    const down = withServerDown(retimed(healthy, minutes(1)), follower());
    await expect(evaluateEnsembleRound(down, ports(crashesOnClear, notifier))).rejects.toThrow('Lambda timed out');
    await evaluateEnsembleRound(down, ports(table, notifier));
    expect(notifier.sent.map((m) => m.roundId)).toEqual([down.roundId, down.roundId]);
    expect((await table.getState('trio'))?.outbox).toEqual([]);
  });

  it('the sweep raises probe-stale after 3 silent intervals, once, through the same outbox', async () => {
    const table = await freshTable();
    const notifier = new RecordingNotifier();
    await evaluateEnsembleRound(retimed(healthy, minutes(0)), ports(table, notifier));
    expect((await sweepEnsemble('trio', 60_000, ports(table, notifier, minutes(2)))).evaluation).toBeUndefined();
    const stale = await sweepEnsemble('trio', 60_000, ports(table, notifier, minutes(4)));
    const again = await sweepEnsemble('trio', 60_000, ports(table, notifier, minutes(5)));
    expect(changes(stale.published)).toEqual(['fired probe-stale']);
    expect(again.published).toEqual([]);
    expect(changes(notifier.sent)).toEqual(['fired probe-stale']);
    expect(await sweepEnsemble('never-probed', 60_000, ports(table, notifier))).toMatchObject({ state: undefined, published: [] });
  });

  it('for any sequence of redeliveries and publish failures, each alert goes out exactly once, in order', async () => {
    const table = await freshTable();
    let run = 0;
    const step = fc.record({ down: fc.boolean(), copies: fc.integer({ min: 1, max: 3 }), failures: fc.integer({ min: 0, max: 2 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        run += 1;
        const rounds = steps.map(({ down }, i) => {
          const round = retimed(healthy, minutes(i), `prop-${run}`);
          return down ? withServerDown(round, follower()) : round;
        });
        const at = (i: number) => new Date(minutes(i).getTime() + 5_000);

        const ideal = new RecordingNotifier();
        const idealStore = { getState: () => table.getState(`ideal-${run}`), putState: (_: string, w: StateWrite, rev: number | undefined) => table.putState(`ideal-${run}`, w, rev) };
        for (const [i, round] of rounds.entries()) await evaluateEnsembleRound(round, ports(idealStore, ideal, at(i)));

        const notifier = new RecordingNotifier();
        for (const [i, round] of rounds.entries()) {
          notifier.failures = steps[i]!.failures;
          for (let copy = 0; copy < steps[i]!.copies; copy++) {
            // The stream retries a failed record until it succeeds, before any later one.
            for (;;) {
              const outcome = await evaluateEnsembleRound(structuredClone(round), ports(table, notifier, at(i))).catch((err: unknown) => err);
              if (!(outcome instanceof AlertDeliveryError)) break;
            }
          }
        }
        expect(notifier.sent).toEqual(ideal.sent);
        expect((await table.getState(`prop-${run}`))?.outbox).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('costs one strongly consistent read and one state write per quiet evaluation', async () => {
    const table = await freshTable();
    const notifier = new RecordingNotifier();
    await evaluateEnsembleRound(retimed(healthy, minutes(0)), ports(table, notifier));
    const before = table.capacityUsed();
    await evaluateEnsembleRound(retimed(healthy, minutes(1)), ports(table, notifier));
    const after = table.capacityUsed();
    expect(after.readUnits - before.readUnits).toBe(1);
    const stateBytes = Buffer.byteLength(JSON.stringify((await table.getState('trio'))?.state));
    expect(after.writeUnits - before.writeUnits).toBeLessThanOrEqual(Math.ceil((stateBytes + 100) / 1024));
    expect(notifier.sent).toEqual([]);
  });
});
