/**
 * The results table on DynamoDB: one item per probe round and one state item per
 * ensemble (docs/ARCHITECTURE.md, "What is stored"). Every write is conditional: a round is
 * written once per scheduled time, and the state item only over the revision it was
 * read at, so racing evaluators cannot overwrite each other.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type ConsumedCapacity,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { readJson } from '../../contract/parse-with.ts';
import { readAlertMessage } from '../../contract/read-alert-message.ts';
import { readEnsembleState } from '../../contract/read-ensemble-state.ts';
import { PROBE_ROUND_VERSION, type ProbeRound } from '../../contract/probe-round.ts';
import { isReadableRoundVersion, OLDEST_READABLE_ROUND_VERSION, upgradeProbeRound } from '../../contract/read-probe-round.ts';
import { mergeSorted } from './merge-sorted.ts';
import { ROUND_KEY_PREFIX } from '../../contract/table-keys.ts';
import { StateConflictError, type StateRecord, type StateWrite } from '../../app/state-store.ts';
import { packJson, ROUND_ENCODING, STATE_ENCODING, StoredEncodingError, unpackJson } from '../../contract/stored-json.ts';

export const DEFAULT_ROUND_TTL_DAYS = 14;
const STATE_SK = 'STATE';
const ROUND_PREFIX = 'R#';

export interface ResultsTableOptions {
  tableName: string;
  /** @default a client from the environment (`AWS_ENDPOINT_URL_DYNAMODB` is honoured by the SDK) */
  client?: DynamoDBClient;
  /** Days a round item lives before DynamoDB's TTL removes it. @default 14 */
  roundTtlDays?: number;
}

/** Request units DynamoDB reported for this table's calls (zero when the server reports none). */
export interface CapacityUsed {
  readUnits: number;
  writeUnits: number;
}

export interface RoundRange {
  /** Earliest scheduled time, inclusive. */
  from?: Date | string;
  /** Latest scheduled time, inclusive. */
  to?: Date | string;
  /** Items per Query page. @default DynamoDB's 1 MB page */
  pageSize?: number;
}

/** A stored item this code cannot read (another version, a damaged or missing attribute). */
export class StoredItemError extends Error {
  override name = 'StoredItemError';
}

/**
 * The shape shared by SDK items and DynamoDB stream images (only the types used here). A
 * binary value is a Uint8Array from the SDK and base64 text in a stream record Lambda
 * delivers as JSON.
 */
export type ItemImage = Record<string, { S?: string; N?: string; B?: Uint8Array | string; L?: { S?: string }[] } | undefined>;

/** Partition key of the ensemble's state item (and of rounds written before `ROUND_KEY_PREFIX`). */
export const ensembleKey = (ensembleName: string): string => `ENS#${ensembleName}`;

/** Partition key of the ensemble's round items. */
export const roundPartitionKey = (ensembleName: string): string => `${ROUND_KEY_PREFIX}${ensembleName}`;

/** Every partition that may hold the ensemble's rounds: the round partition, then the older layout's. */
export const roundPartitionKeys = (ensembleName: string): string[] => [roundPartitionKey(ensembleName), ensembleKey(ensembleName)];

/** Sort key of a round: scheduled time first, so a Query returns rounds in time order. */
export function roundSortKey(scheduledAt: Date | string, roundId: string): string {
  return `${ROUND_PREFIX}${isoTime(scheduledAt, 'scheduledAt')}#${roundId}`;
}

/**
 * Creates the table and waits until it is ACTIVE, for the places that create it
 * themselves (local mode's embedded store, tests against dynalite); on AWS the stack
 * creates it with the same keys.
 */
export async function createResultsTable(client: DynamoDBClient, tableName: string, timeoutMs = 10_000): Promise<void> {
  await client.send(new CreateTableCommand(createResultsTableInput(tableName)));
  // dynalite keeps a new table CREATING for a tick even with createTableMs 0.
  const deadline = Date.now() + timeoutMs;
  while ((await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus !== 'ACTIVE') {
    if (Date.now() > deadline) throw new Error(`table ${tableName} not ACTIVE after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function createResultsTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  };
}

/**
 * The round item as written (and as the stream's NEW_IMAGE carries it): the round's JSON
 * deflated with the round dictionary in `body` (`enc` names it), ≤ 1 KB for a 3-server
 * round. Items written before kept the JSON text in `round`; both are read.
 */
export function roundItem(round: ProbeRound, scheduledAt: Date | string, ttlSeconds = DEFAULT_ROUND_TTL_DAYS * 86_400): Record<string, AttributeValue> {
  const scheduled = new Date(isoTime(scheduledAt, 'scheduledAt'));
  return {
    pk: { S: roundPartitionKey(round.ensembleName) },
    sk: { S: roundSortKey(scheduled, round.roundId) },
    type: { S: 'round' },
    roundVersion: { N: String(round.version) },
    enc: { S: ROUND_ENCODING },
    body: { B: packJson(round, ROUND_ENCODING) },
    ttl: { N: String(Math.floor(scheduled.getTime() / 1000) + ttlSeconds) },
  };
}

/**
 * The state item as written: state and outbox together, deflated with the state dictionary
 * (one attribute, so a message in the outbox shares the state's compression). Items
 * written before kept `state` as JSON text and `outbox` as a list of JSON texts; both are read.
 */
export function stateItem(ensembleName: string, write: StateWrite, rev: number): Record<string, AttributeValue> {
  return {
    pk: { S: ensembleKey(ensembleName) },
    sk: { S: STATE_SK },
    type: { S: 'state' },
    rev: { N: String(rev) },
    enc: { S: STATE_ENCODING },
    body: { B: packJson({ state: write.state, outbox: write.outbox }, STATE_ENCODING) },
  };
}

/** An item as a DynamoDB stream record in Lambda's JSON event carries it: binary values as base64 text. */
export function streamImage(item: Record<string, AttributeValue>): ItemImage {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.B !== undefined ? { B: Buffer.from(value.B).toString('base64') } : (value as { S?: string; N?: string })]));
}

/**
 * The state and outbox in a state item of either layout, each through its versioned reader;
 * the error names the item and what is wrong (`StoredItemError` for the item itself, the
 * reader's error for a state or message of a version this code does not read).
 */
export function decodeStateItem(item: ItemImage, where: string): StateWrite {
  if (item.state?.S !== undefined || item.body?.B === undefined) {
    return {
      // Older stored versions are upgraded here; one this code cannot read is refused with the reason.
      state: readEnsembleState(storedJson(item.state?.S, `${where}: attribute "state"`), where),
      outbox: (item.outbox?.L ?? []).map((m, i) => readAlertMessage(storedJson(m.S, `${where}: outbox[${i}]`), `${where}: outbox[${i}]`)),
    };
  }
  let body: unknown;
  try {
    body = unpackJson(item.body.B, item.enc?.S ?? '(missing)', `${where}: attribute "body"`);
  } catch (err) {
    if (err instanceof StoredEncodingError) throw new StoredItemError(err.message);
    throw err;
  }
  const { state, outbox } = (body ?? {}) as { state?: unknown; outbox?: unknown };
  if (typeof state !== 'object' || state === null) throw new StoredItemError(`${where}: attribute "body" holds no state object`);
  if (!Array.isArray(outbox)) throw new StoredItemError(`${where}: attribute "body" holds no outbox list`);
  return { state: readEnsembleState(state, where), outbox: outbox.map((m, i) => readAlertMessage(m, `${where}: outbox[${i}]`)) };
}

/** The round inside a round item or stream image; throws `StoredItemError` naming what is wrong. */
export function decodeRoundItem(item: ItemImage): ProbeRound {
  const where = `item ${item.pk?.S ?? '?'} / ${item.sk?.S ?? '?'}`;
  if (item.type?.S !== 'round') throw new StoredItemError(`${where}: type is ${JSON.stringify(item.type?.S)}, expected "round"`);
  if (!isReadableRoundVersion(Number(item.roundVersion?.N))) {
    throw new StoredItemError(`${where}: roundVersion ${item.roundVersion?.N ?? 'missing'}, this code reads ${OLDEST_READABLE_ROUND_VERSION} to ${PROBE_ROUND_VERSION}`);
  }
  let round: unknown;
  if (item.round?.S !== undefined) {
    round = storedJson(item.round.S, `${where}: attribute "round"`);
  } else if (item.body?.B !== undefined) {
    try {
      round = unpackJson(item.body.B, item.enc?.S ?? '(missing)', `${where}: attribute "body"`);
    } catch (err) {
      throw new StoredItemError((err as Error).message);
    }
  } else {
    throw new StoredItemError(`${where}: attribute "body" (or "round", before compression) missing`);
  }
  if (typeof round !== 'object' || round === null) throw new StoredItemError(`${where}: attribute "round" is not an object`);
  try {
    return upgradeProbeRound(round as Record<string, unknown>, where);
  } catch (err) {
    throw new StoredItemError((err as Error).message);
  }
}

export class ResultsTable {
  readonly tableName: string;
  private readonly client: DynamoDBClient;
  private readonly roundTtlSeconds: number;
  private readonly used: CapacityUsed = { readUnits: 0, writeUnits: 0 };

  constructor(options: ResultsTableOptions) {
    this.tableName = options.tableName;
    this.client = options.client ?? new DynamoDBClient({});
    this.roundTtlSeconds = (options.roundTtlDays ?? DEFAULT_ROUND_TTL_DAYS) * 86_400;
  }

  /** Request units reported so far by this instance's calls. */
  capacityUsed(): CapacityUsed {
    return { ...this.used };
  }

  /**
   * Writes a round keyed by its scheduled time. Returns false when that key already
   * exists: a retried invocation must not add a second round for the same slot.
   */
  async putRound(round: ProbeRound, scheduledAt: Date | string): Promise<boolean> {
    try {
      const out = await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: roundItem(round, scheduledAt, this.roundTtlSeconds),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.count(out.ConsumedCapacity, 'writeUnits');
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Rounds of one ensemble in scheduled-time order, page by page, from both layouts' partitions; bounds are inclusive. */
  async *queryRounds(ensembleName: string, range: RoundRange = {}): AsyncGenerator<ProbeRound> {
    const partitions = roundPartitionKeys(ensembleName).map((pk) => this.queryPartition(pk, range));
    for await (const { round } of mergeSorted(partitions, (r) => r.sk)) yield round;
  }

  private async *queryPartition(pk: string, range: RoundRange): AsyncGenerator<{ sk: string; round: ProbeRound }> {
    const low = range.from === undefined ? ROUND_PREFIX : `${ROUND_PREFIX}${isoTime(range.from, 'from')}`;
    const high = range.to === undefined ? `${ROUND_PREFIX}\uffff` : `${ROUND_PREFIX}${isoTime(range.to, 'to')}#\uffff`;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
          ExpressionAttributeValues: { ':pk': { S: pk }, ':low': { S: low }, ':high': { S: high } },
          ExclusiveStartKey: start,
          Limit: range.pageSize,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.count(page.ConsumedCapacity, 'readUnits');
      for (const item of page.Items ?? []) yield { sk: item.sk?.S ?? '', round: decodeRoundItem(item) };
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** The ensemble's state item, read strongly consistent (it is about to be written over). */
  async getState(ensembleName: string): Promise<StateRecord | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: ensembleKey(ensembleName) }, sk: { S: STATE_SK } },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.count(out.ConsumedCapacity, 'readUnits');
    if (!out.Item) return undefined;
    const where = `state item of ensemble "${ensembleName}"`;
    const rev = Number(out.Item.rev?.N);
    if (!Number.isInteger(rev)) throw new StoredItemError(`${where}: rev ${out.Item.rev?.N ?? 'missing'} is not an integer`);
    return { ...decodeStateItem(out.Item as ItemImage, where), rev };
  }

  /**
   * Writes the state item over revision `expectedRev` (`undefined`: the item must not
   * exist yet) and returns the new revision; throws `StateConflictError` when someone
   * else wrote first.
   */
  async putState(ensembleName: string, write: StateWrite, expectedRev: number | undefined): Promise<number> {
    const rev = (expectedRev ?? 0) + 1;
    try {
      const out = await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: stateItem(ensembleName, write, rev),
          ...(expectedRev === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': { N: String(expectedRev) } } }),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.count(out.ConsumedCapacity, 'writeUnits');
      return rev;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        throw new StateConflictError(`state of ensemble "${ensembleName}" changed since revision ${expectedRev ?? '(none)'} was read`);
      }
      throw err;
    }
  }

  private count(consumed: ConsumedCapacity | undefined, kind: keyof CapacityUsed): void {
    this.used[kind] += consumed?.CapacityUnits ?? 0;
  }
}

function isoTime(value: Date | string, name: string): string {
  const time = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(time.getTime())) throw new RangeError(`${name}: ${JSON.stringify(String(value))} is not a time`);
  return time.toISOString();
}

function storedJson(text: string | undefined, where: string): unknown {
  if (text === undefined) throw new StoredItemError(`${where} missing`);
  const json = readJson(text);
  if (!json.ok) throw new StoredItemError(`${where} is not JSON (${json.at})`);
  return json.value;
}
