/**
 * Round items read in bulk with their keys, for `zk-lookout export` and `backtest --store`:
 * one ensemble by Query (in time order), or every ensemble by Scan (in no particular
 * order; a backtest sorts). The scheduled time comes back from the sort key, so a round
 * exported and imported again lands on the same key.
 */
import { DynamoDBClient, QueryCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { RoundLine } from '../../core/probe/round-lines.ts';
import { mergeSorted } from './merge-sorted.ts';
import { decodeRoundItem, roundPartitionKeys, StoredItemError } from './results-table.ts';

export interface ArchiveQuery {
  /** One ensemble; absent reads every ensemble in the table. */
  ensemble?: string;
  /** Earliest scheduled time, inclusive. */
  from?: Date;
  /** Latest scheduled time, inclusive. */
  to?: Date;
  /** Items per page. @default DynamoDB's 1 MB page */
  pageSize?: number;
}

/** A round item, or one that could not be read (another version, damaged), which the caller reports. */
export type ArchivedRound = { ok: true; line: RoundLine } | { ok: false; key: string; error: string };

const ROUND_PREFIX = 'R#';

export async function* readArchivedRounds(client: DynamoDBClient, tableName: string, query: ArchiveQuery = {}): AsyncGenerator<ArchivedRound> {
  const low = query.from ? `${ROUND_PREFIX}${query.from.toISOString()}` : ROUND_PREFIX;
  const high = query.to ? `${ROUND_PREFIX}${query.to.toISOString()}#\uffff` : `${ROUND_PREFIX}\uffff`;
  if (query.ensemble) {
    // Rounds sit in the round partition, older ones in the state item's: one time-ordered list.
    const partitions = roundPartitionKeys(query.ensemble).map((pk) => queryPartition(client, tableName, pk, low, high, query.pageSize));
    for await (const item of mergeSorted(partitions, (i) => i.sk?.S ?? '')) yield archived(item);
    return;
  }
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':low': { S: low }, ':high': { S: high } },
        ExclusiveStartKey: start,
        Limit: query.pageSize,
      }),
    );
    for (const item of page.Items ?? []) yield archived(item);
    start = page.LastEvaluatedKey;
  } while (start);
}

async function* queryPartition(client: DynamoDBClient, tableName: string, pk: string, low: string, high: string, pageSize: number | undefined): AsyncGenerator<Record<string, AttributeValue>> {
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': { S: pk }, ':low': { S: low }, ':high': { S: high } },
        ExclusiveStartKey: start,
        Limit: pageSize,
      }),
    );
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

function archived(item: Record<string, AttributeValue>): ArchivedRound {
  const sk = item.sk?.S ?? '';
  const key = `${item.pk?.S ?? '?'} / ${sk || '?'}`;
  const scheduledAt = sk.slice(ROUND_PREFIX.length, sk.lastIndexOf('#'));
  if (Number.isNaN(Date.parse(scheduledAt))) return { ok: false, key, error: `sort key ${JSON.stringify(sk)} holds no scheduled time` };
  try {
    return { ok: true, line: { scheduledAt, round: decodeRoundItem(item) } };
  } catch (err) {
    if (err instanceof StoredItemError) return { ok: false, key, error: err.message };
    throw err;
  }
}
