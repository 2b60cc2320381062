/**
 * The chat relay as Lambda runs it (its exported `handler`, in its environment): it logs
 * under the service name the stack gives the function, keeps its ledger in the results
 * table the stack names, and refuses to run without that table instead of falling back
 * to a memo that a retry on another container would not see. SSM and Secrets Manager are
 * mocked at the client; the table is dynalite.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDeliveryLedger } from '../../functions/adapters/aws/delivery-ledger.ts';
import { ServiceNames } from '../../functions/contract/handler-environment.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';
import { capturedDuring } from '../support/captured-log.ts';
import { localDynamo, stubHandlerEnvironment, type LocalDynamo } from '../support/dynalite-table.ts';
import { webhookSink, type WebhookSink } from '../support/webhook-sink.ts';

const ssm = mockClient(SSMClient);
const secrets = mockClient(SecretsManagerClient);
let dynamo: LocalDynamo;
let tableName: string;
let hooks: WebhookSink;

beforeAll(async () => {
  dynamo = await localDynamo();
  tableName = await dynamo.createResultsTable();
  hooks = await webhookSink();
  stubHandlerEnvironment(dynamo, tableName, { STAGE: 'test', POWERTOOLS_DEV: '', POWERTOOLS_LOG_LEVEL: 'INFO' }, { metrics: false });
  ssm.on(GetParametersByPathCommand).resolves({
    Parameters: [{ Name: '/zk-lookout/test/deployment/chat-channels/0', Value: JSON.stringify([{ name: 'hook', kind: 'webhook', secretId: 'zk-lookout/test/hook' }]) }],
  });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: `${hooks.base}/hook` }) });
});
afterAll(() => {
  vi.unstubAllEnvs();
  ssm.restore();
  secrets.restore();
});

type Relay = (event: SNSEvent, context: Context) => Promise<void>;

/** The handler as a fresh container loads it (its logger and caches built anew). */
async function freshHandler(): Promise<Relay> {
  vi.resetModules();
  return ((await import('../../functions/handlers/chat-relay.ts')) as { handler: Relay }).handler;
}

const snsEvent = (messageId: string) => ({ Records: [{ Sns: { MessageId: messageId, Message: JSON.stringify(sampleMessage()) } }] }) as unknown as SNSEvent;
const context = (requestId: string) =>
  ({ functionName: 'zk-lookout-test-relay', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:relay', memoryLimitInMB: '256', awsRequestId: requestId, getRemainingTimeInMillis: () => 30_000 }) as unknown as Context;

describe('the chat relay handler', () => {
  it('logs as the service the stack names and records each delivery in the results table', async () => {
    const handler = await freshHandler();
    const { lines } = await capturedDuring(() => handler(snsEvent('sns-1'), context('req-1')));
    expect(lines).toEqual([expect.objectContaining({ level: 'INFO', message: 'relayed', service: ServiceNames.ChatRelay, messageId: 'sns-1', delivered: ['hook'] })]);
    expect(await new DynamoDeliveryLedger({ tableName, client: dynamo.client }).delivered('sns-1')).toEqual(new Set(['hook']));
    // Another container, the same message again: the table says it arrived.
    await (await freshHandler())(snsEvent('sns-1'), context('req-2'));
    expect(hooks.count('/hook')).toBe(1);
  });

  it('refuses to run without the results table the stack sets, posting nothing', async () => {
    vi.stubEnv('RESULTS_TABLE', '');
    try {
      const handler = await freshHandler();
      await expect(handler(snsEvent('sns-2'), context('req-3'))).rejects.toThrow('environment variable RESULTS_TABLE is not set');
    } finally {
      vi.stubEnv('RESULTS_TABLE', tableName);
    }
    expect(hooks.count('/hook')).toBe(1);
  });
});
