/**
 * The chat relay's ledger in the results table: one item per (SNS message, channel) that
 * accepted it, so an SNS retry that lands on a fresh Lambda container still posts only to
 * the channels that failed. Items live two days (SNS and Lambda retries end long before)
 * and carry `type: 'delivery'`, which the evaluator's stream filter lets pass by.
 */
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DELIVERY_KEY_PREFIX } from '../../contract/table-keys.ts';
import type { DeliveryLedger } from '../../app/delivery-ledger.ts';

const CHANNEL_PREFIX = 'CH#';
const LEDGER_TTL_SECONDS = 2 * 86_400;

export interface DynamoDeliveryLedgerOptions {
  tableName: string;
  client?: DynamoDBClient;
  now?: () => number;
}

export class DynamoDeliveryLedger implements DeliveryLedger {
  private readonly client: DynamoDBClient;
  private readonly now: () => number;

  constructor(private readonly options: DynamoDeliveryLedgerOptions) {
    this.client = options.client ?? new DynamoDBClient({});
    this.now = options.now ?? Date.now;
  }

  async delivered(messageId: string): Promise<Set<string>> {
    const channels = new Set<string>();
    let start: Record<string, never> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `${DELIVERY_KEY_PREFIX}${messageId}` } },
          ProjectionExpression: 'sk',
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const sk = item.sk?.S;
        if (sk?.startsWith(CHANNEL_PREFIX)) channels.add(sk.slice(CHANNEL_PREFIX.length));
      }
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    return channels;
  }

  async record(messageId: string, channel: string): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.options.tableName,
        Item: {
          pk: { S: `${DELIVERY_KEY_PREFIX}${messageId}` },
          sk: { S: `${CHANNEL_PREFIX}${channel}` },
          type: { S: 'delivery' },
          ttl: { N: String(Math.floor(this.now() / 1000) + LEDGER_TTL_SECONDS) },
        },
      }),
    );
  }
}
