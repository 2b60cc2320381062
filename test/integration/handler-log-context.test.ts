/**
 * Powertools Logger carries the Lambda context on every line a handler writes: the probe,
 * the evaluator (including what its settings adapter logs) and the Alertmanager relay
 * invoked in this process with the context Lambda passes, their stdout captured as Lambda
 * would ship it to CloudWatch. SSM and SNS are mocked at the client; DynamoDB is dynalite. The first invocation of a fresh
 * environment is a cold start and the next is not; each line names its own request id.
 * (The asset smoke test checks the same on all five bundled handlers under Node 22.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, DynamoDBStreamEvent, SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { roundItem } from '../../functions/adapters/aws/results-table.ts';
import { trioRound } from '../support/probe-rounds.ts';
import { localDynamo, TEST_CREDENTIALS } from '../support/dynalite-table.ts';
import { freePort } from '../support/ports.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';

type Handler = (event: never, context: Context) => Promise<unknown>;

let probe: Handler;
let evaluate: Handler;
let relay: Handler;
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
let alertmanager: Server;
let deadServer: { host: string; port: number };

beforeAll(async () => {
  const dynamo = await localDynamo();
  const tableName = await dynamo.createResultsTable();
  alertmanager = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'));
  });
  await new Promise<void>((resolve) => alertmanager.listen(0, '127.0.0.1', resolve));
  deadServer = { host: '127.0.0.1', port: await freePort() };
  const env = {
    // Set by Lambda in an on-demand environment; Powertools tells cold starts only there.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_NAME: 'zk-lookout-test',
    POWERTOOLS_DEV: '',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'true',
    RESULTS_TABLE: tableName,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    ALERTMANAGER_URL: `http://127.0.0.1:${(alertmanager.address() as AddressInfo).port}`,
    ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:zk-lookout-test-alerts',
    STAGE: 'test',
  };
  // Unreadable settings: the evaluator's settings adapter logs an error and goes on with the defaults.
  ssm.on(GetParameterCommand).rejects(Object.assign(new Error('not authorized to perform ssm:GetParameter'), { name: 'AccessDeniedException' }));
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  // Imported after the environment is set: each Logger reads it when its module loads.
  ({ handler: probe } = (await import('../../functions/handlers/probe.ts')) as unknown as { handler: Handler });
  ({ handler: evaluate } = (await import('../../functions/handlers/evaluate.ts')) as unknown as { handler: Handler });
  ({ handler: relay } = (await import('../../functions/handlers/alertmanager-relay.ts')) as unknown as { handler: Handler });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  ssm.restore();
  sns.restore();
  alertmanager?.closeAllConnections();
  if (alertmanager) await new Promise<void>((resolve) => alertmanager.close(() => resolve()));
});

function lambdaContext(awsRequestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'zk-lookout-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:zk-lookout-test',
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: '/aws/lambda/zk-lookout-test',
    logStreamName: '2026/01/01/[$LATEST]test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The JSON log lines the handler wrote during `invoke`: stdout and stderr (errors), both of which Lambda ships to CloudWatch. */
async function loggedDuring(invoke: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const writes = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  try {
    await invoke();
  } finally {
    for (const write of writes) write.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => 'level' in line);
}

describe('handler log lines carry the Lambda context', () => {
  it('the probe: request id on every line, cold start on the first invocation only', async () => {
    const event = (scheduledTime: string) => ({ ensemble: { name: 'ctx', servers: [deadServer] }, scheduledTime });
    const first = await loggedDuring(() => probe(event('2026-03-01T12:00:00Z') as never, lambdaContext('req-probe-1')));
    expect(first).toEqual([expect.objectContaining({ message: 'round written', function_request_id: 'req-probe-1', cold_start: true, function_name: 'zk-lookout-test', ensemble: 'ctx' })]);
    const second = await loggedDuring(() => probe(event('2026-03-01T12:01:00Z') as never, lambdaContext('req-probe-2')));
    expect(second).toEqual([expect.objectContaining({ message: 'round written', function_request_id: 'req-probe-2', cold_start: false })]);
  });

  it('the evaluator: its own lines and its settings adapter\'s carry the request id', async () => {
    const insert = (minute: number): DynamoDBStreamEvent => {
      const startedAt = new Date(Date.parse('2026-03-01T12:00:00Z') + minute * 60_000);
      const image = roundItem(trioRound(`r-${minute}`, startedAt), startedAt);
      return {
        Records: [
          {
            eventID: `event-${minute}`,
            eventName: 'INSERT',
            eventVersion: '1.1',
            eventSource: 'aws:dynamodb',
            awsRegion: 'us-east-1',
            eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/results/stream/2026-03-01T00:00:00.000',
            dynamodb: { Keys: { pk: image.pk!, sk: image.sk! } as never, NewImage: image as never, SequenceNumber: String(minute + 1).padStart(21, '0'), SizeBytes: 1, StreamViewType: 'NEW_IMAGE' },
          },
        ],
      };
    };
    const first = await loggedDuring(() => evaluate(insert(0) as never, lambdaContext('req-eval-1')));
    expect(first).toContainEqual(expect.objectContaining({ message: 'settings parameter could not be read', level: 'ERROR', function_request_id: 'req-eval-1', cold_start: true }));
    expect(first).toContainEqual(expect.objectContaining({ message: 'evaluated', function_request_id: 'req-eval-1', cold_start: true }));
    for (const line of first) expect(line).toMatchObject({ service: 'zk-lookout-evaluator', function_request_id: 'req-eval-1', cold_start: true });
    const second = await loggedDuring(() => evaluate(insert(1) as never, lambdaContext('req-eval-2')));
    expect(second.length).toBeGreaterThan(0);
    for (const line of second) expect(line).toMatchObject({ function_request_id: 'req-eval-2', cold_start: false });
  });

  it('the Alertmanager relay: the same, through its lazily built handler', async () => {
    const record = (messageId: string): SNSEvent => ({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:zk-lookout-alerts:1',
          Sns: {
            Type: 'Notification',
            MessageId: messageId,
            TopicArn: 'arn:aws:sns:us-east-1:123456789012:zk-lookout-alerts',
            Subject: 'alert',
            Message: JSON.stringify(sampleMessage()),
            Timestamp: new Date().toISOString(),
            SignatureVersion: '1',
            Signature: 'EXAMPLE',
            SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/x.pem',
            UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
            MessageAttributes: {},
          },
        },
      ],
    });
    const first = await loggedDuring(() => relay(record('m-1') as never, lambdaContext('req-relay-1')));
    expect(first).toEqual([expect.objectContaining({ message: 'posted to Alertmanager', messageId: 'm-1', function_request_id: 'req-relay-1', cold_start: true })]);
    const second = await loggedDuring(() => relay(record('m-2') as never, lambdaContext('req-relay-2')));
    expect(second).toEqual([expect.objectContaining({ message: 'posted to Alertmanager', messageId: 'm-2', function_request_id: 'req-relay-2', cold_start: false })]);
  });
});
