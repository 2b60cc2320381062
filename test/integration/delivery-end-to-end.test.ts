/**
 * From a real ensemble losing quorum to the chat requests a team receives: probe →
 * evaluator (with its store on dynalite) → AlertMessage → SNS publish (the SDK client
 * mocked at the adapter boundary) → the relay's handler with the SNS event SNS would
 * deliver to a Lambda subscriber → captured HTTP requests on loopback.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsTable } from '../../functions/adapters/aws/results-table.ts';
import { SnsNotifier } from '../../functions/adapters/aws/sns-notifier.ts';
import { createRelayHandler } from '../../functions/handlers/chat-relay.ts';
import { MemoryDeliveryLedger } from '../support/memory-delivery-ledger.ts';
import { settingsFor } from '../../functions/core/evaluate/settings-snapshot.ts';
import { evaluateEnsembleRound } from '../../functions/app/evaluate-ensemble.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { addressesOf, privateEnsemble } from '../support/ensembles.ts';
import { localDynamo } from '../support/dynalite-table.ts';
import { waitUntil } from '../support/wait-until.ts';

interface Captured {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let ensemble: LocalEnsemble;
let table: ResultsTable;
let hooks: Server;
let base: string;
const captured: Captured[] = [];
const sns = mockClient(SNSClient);
const published: PublishCommandInput[] = [];

beforeAll(async () => {
  ensemble = await privateEnsemble({ size: 3 });
  const dynamo = await localDynamo();
  table = new ResultsTable({ tableName: await dynamo.createResultsTable('e2e'), client: dynamo.client });
  sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
    published.push(input);
    return { MessageId: `sns-${published.length}` };
  });
  hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end(req.url?.startsWith('/slack') ? 'ok' : req.url?.startsWith('/feishu') ? '{"code":0,"msg":"success"}' : '{}');
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sns.restore();
  await new Promise<void>((resolve) => hooks.close(() => resolve()));
});

async function evaluateNow(clockMs: number) {
  const round = await probeEnsemble(addressesOf(ensemble), { ensembleName: 'orders-zk', timeoutMs: 3000, canary: {} });
  const now = new Date(clockMs);
  const timed = { ...round, startedAt: now.toISOString() };
  await table.putRound(timed, now);
  return evaluateEnsembleRound(timed, {
    store: table,
    settings: async () => settingsFor({ thresholds: {}, silences: [], configProblems: [] }, 'orders-zk'),
    notifier: new SnsNotifier({ topicArn: 'arn:aws:sns:us-east-1:123456789012:zk-lookout-alerts', client: new SNSClient({ region: 'us-east-1' }) }),
    clock: () => now,
  });
}

/** What SNS hands a Lambda subscriber of a `MessageStructure: 'json'` publish: the `lambda` key. */
function snsEventFor(input: PublishCommandInput, messageId: string): SNSEvent {
  const structured = JSON.parse(input.Message as string) as Record<string, string>;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${input.TopicArn}:sub`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: input.TopicArn as string,
          Subject: input.Subject as string,
          Message: structured.lambda as string,
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: Object.fromEntries(Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, { Type: v.DataType as string, Value: v.StringValue as string }])),
        },
      },
    ],
  };
}

describe('quorum lost on a real ensemble reaches chat', () => {
  it('publishes one SNS message with the quorum-lost alarm and the relay posts it to every channel', async () => {
    const t0 = Date.now();
    expect((await evaluateNow(t0)).published).toEqual([]);
    await Promise.all([ensemble.stop(1), ensemble.stop(2)]);
    // The survivor notices it lost its followers only after its sync limit.
    await waitUntil(async () => (await ensemble.modes()).get(3) === undefined, 'the survivor to stop serving');
    const outcome = await evaluateNow(t0 + 60_000);

    expect(outcome.published).toHaveLength(1);
    expect(published).toHaveLength(1);
    const input = published[0]!;
    expect(input).toMatchObject({
      MessageStructure: 'json',
      MessageAttributes: { severity: { StringValue: 'alarm' }, ensemble: { StringValue: 'orders-zk' }, kind: { StringValue: 'quorum-lost' } },
    });
    expect((input.Subject ?? '').length).toBeLessThanOrEqual(99);
    const message = JSON.parse(JSON.parse(input.Message as string).lambda as string);
    // Quorum lost inhibits its consequences: one change is notified, the rest recorded quietly.
    expect(message.changes.map((c: { alertKey: string }) => c.alertKey)).toEqual(['quorum-lost']);

    const relay = createRelayHandler({
      channels: [
        { name: 'ops-slack', kind: 'slack', secretId: 'slack' },
        { name: 'kafka-feishu', kind: 'feishu', secretId: 'feishu' },
        { name: 'pager-hook', kind: 'webhook', secretId: 'hook', severities: ['alarm'] },
        { name: 'warnings-only', kind: 'webhook', secretId: 'quiet', severities: ['warning'] },
      ],
      secrets: { get: async (id) => ({ url: `${base}/${id}`, ...(id === 'feishu' || id === 'hook' ? { secret: 'signing-key' } : {}) }) },
      ledger: new MemoryDeliveryLedger(),
      logger: new Logger({ serviceName: 'e2e', logLevel: 'SILENT' }),
    });
    await relay(snsEventFor(input, 'sns-1'), { getRemainingTimeInMillis: () => 30_000 });

    expect(captured.map((c) => c.url.split('?')[0]).sort()).toEqual(['/feishu', '/hook', '/slack']);
    const slack = JSON.parse(captured.find((c) => c.url === '/slack')!.body);
    expect(JSON.stringify(slack.blocks)).toMatch(/quorum/i);
    const feishu = JSON.parse(captured.find((c) => c.url === '/feishu')!.body);
    expect(feishu).toMatchObject({ msg_type: 'interactive', sign: expect.any(String), timestamp: expect.any(String) });
    const hook = captured.find((c) => c.url === '/hook')!;
    expect(hook.headers['x-zk-lookout-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(hook.body)).toMatchObject({ source: 'zk-lookout', message: { ensembleName: 'orders-zk', severity: 'alarm', kind: 'quorum-lost' } });

    ensemble.restart(1);
    ensemble.restart(2);
    await ensemble.waitServing();
    const recovered = await evaluateNow(t0 + 120_000);
    expect(recovered.published.map((m) => m.severity)).toEqual(['resolved']);
  });
});
