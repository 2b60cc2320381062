/**
 * The relay's ledger in DynamoDB (dynalite): an SNS retry that lands on a fresh container
 * posts only to the channels that failed the first time.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SNSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../functions/adapters/aws/delivery-ledger.ts';
import type { ChannelConfig } from '../../functions/contract/chat-channels.ts';
import { createRelayHandler } from '../../functions/handlers/chat-relay.ts';
import { localDynamo, type LocalDynamo } from '../support/dynalite-table.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';
import { webhookSink, type WebhookSink } from '../support/webhook-sink.ts';

let dynamo: LocalDynamo;
let tableName: string;
let hooks: WebhookSink;

beforeAll(async () => {
  dynamo = await localDynamo();
  tableName = await dynamo.createResultsTable('ledger');
  hooks = await webhookSink(['/down']);
});

const channels: ChannelConfig[] = [
  { name: 'up', kind: 'webhook', secretId: 'up' },
  { name: 'down', kind: 'webhook', secretId: 'down' },
];

/** A relay as a freshly started container would build it: its own ledger object, the same table. */
function freshContainer() {
  return createRelayHandler({
    channels,
    secrets: { get: async (id) => ({ url: `${hooks.base}/${id}` }) },
    ledger: new DynamoDeliveryLedger({ tableName, client: dynamo.client }),
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  });
}

const snsEvent = (messageId: string): SNSEvent =>
  ({ Records: [{ Sns: { MessageId: messageId, Message: JSON.stringify(sampleMessage()) } }] }) as unknown as SNSEvent;
const context = { getRemainingTimeInMillis: () => 30_000 };

describe('the DynamoDB delivery ledger', () => {
  it('a retry on another container posts only to the channel that failed', async () => {
    await expect(freshContainer()(snsEvent('m-1'), context)).rejects.toThrow(/delivery failed for 1 channel\(s\): down/);
    expect(hooks.count('/up')).toBe(1);
    hooks.failing.clear();
    await freshContainer()(snsEvent('m-1'), context);
    expect(hooks.count('/up')).toBe(1);
    expect(hooks.count('/down')).toBeGreaterThanOrEqual(2);
    const ledger = new DynamoDeliveryLedger({ tableName, client: dynamo.client });
    expect([...(await ledger.delivered('m-1'))].sort()).toEqual(['down', 'up']);
    expect(await ledger.delivered('m-2')).toEqual(new Set());
  });
});
