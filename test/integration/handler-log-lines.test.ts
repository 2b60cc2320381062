/**
 * Logs worth their bytes (issue 16): at INFO each handler writes one structured line per
 * invocation (per evaluated round for the evaluator, per message for the relays) with
 * what an operator needs, and its detail only at DEBUG. The handlers run in this process
 * against the real trio and dynalite, stdout captured as Lambda ships it; SSM and SNS are
 * mocked at the client.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBStreamEvent, SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { roundItem } from '../../functions/adapters/aws/results-table.ts';
import { MemoryDeliveryLedger } from '../support/memory-delivery-ledger.ts';
import { createRelayHandler } from '../../functions/handlers/chat-relay.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';
import { capturedDuring } from '../support/captured-log.ts';
import { localDynamo, TEST_CREDENTIALS } from '../support/dynalite-table.ts';
import { trioRound } from '../support/probe-rounds.ts';

type Handler = (event: never, context?: never) => Promise<unknown>;
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
let hooks: Server;
let env: Record<string, string>;

beforeAll(async () => {
  const dynamo = await localDynamo();
  hooks = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('ok'));
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  env = {
    POWERTOOLS_DEV: '',
    POWERTOOLS_METRICS_DISABLED: 'false',
    RESULTS_TABLE: await dynamo.createResultsTable(),
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:zk-lookout-test-alerts',
    STAGE: 'test',
  };
  ssm.on(GetParameterCommand).rejects(Object.assign(new Error('parameter not found'), { name: 'ParameterNotFound' }));
  ssm.on(GetParametersByPathCommand).resolves({ Parameters: [{ Name: '/zk-lookout/test/deployment/sweep-ensembles/0', Value: JSON.stringify([{ name: 'lines', intervalSeconds: 60 }]) }] });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  ssm.restore();
  sns.restore();
  hooks?.closeAllConnections();
  if (hooks) await new Promise<void>((resolve) => hooks.close(() => resolve()));
});

/** The three handlers as loaded with this log level (each Logger reads it when its module loads). */
async function handlersAt(level: 'INFO' | 'DEBUG'): Promise<{ probe: Handler; evaluate: Handler; sweep: Handler }> {
  vi.resetModules();
  for (const [name, value] of Object.entries({ ...env, POWERTOOLS_LOG_LEVEL: level })) vi.stubEnv(name, value);
  const load = async (path: string) => ((await import(path)) as { handler: Handler }).handler;
  return { probe: await load('../../functions/handlers/probe.ts'), evaluate: await load('../../functions/handlers/evaluate.ts'), sweep: await load('../../functions/handlers/sweep.ts') };
}

const probeEvent = (name: string, scheduledTime: string) => ({ ensemble: { name, servers: inject('trio').servers.map(({ host, port }) => ({ host, port })), canary: {} }, scheduledTime });

function streamEvent(rounds: ProbeRound[]): DynamoDBStreamEvent {
  return {
    Records: rounds.map((round, i) => {
      const image = roundItem(round, round.startedAt);
      return {
        eventID: `event-${round.roundId}`,
        eventName: 'INSERT' as const,
        eventSource: 'aws:dynamodb',
        dynamodb: { Keys: { pk: image.pk!, sk: image.sk! } as never, NewImage: image as never, SequenceNumber: String(i + 1).padStart(21, '0'), StreamViewType: 'NEW_IMAGE' as const },
      };
    }),
  };
}

const T0 = Date.parse('2026-03-01T12:00:00Z');
const linesRound = (...args: Parameters<typeof trioRound>): ProbeRound => ({ ...trioRound(...args), ensembleName: 'lines' });

describe('at INFO', () => {
  it('the probe writes one line per invocation with the ensemble, round, servers serving and size, leaders and durations, and no EMF unless the stack opted in', async () => {
    const { probe } = await handlersAt('INFO');
    const { text, lines } = await capturedDuring(() => probe(probeEvent('lines', '2026-03-01T12:00:00Z') as never));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'round written',
        service: 'zk-lookout-probe',
        ensemble: 'lines',
        roundId: expect.any(String),
        rounds: 1,
        size: 3,
        serving: 3,
        leaders: 1,
        durationMs: expect.any(Number),
        canaryMs: expect.any(Number),
        canaryOk: true,
        written: 1,
        invocationMs: expect.any(Number),
      }),
    ]);
    // Nothing else on stdout: no EMF document (a custom metric is billed per ensemble).
    expect(text.trim().split('\n')).toHaveLength(1);
  });

  it('the evaluator writes one line per evaluated round: ensemble, round id, probability, what changed, what was published, duration', async () => {
    const { evaluate } = await handlersAt('INFO');
    const healthy = linesRound('r-0', new Date(T0));
    const first = await capturedDuring(() => evaluate(streamEvent([healthy]) as never));
    // The settings adapter's error (no SSM parameter) is an ERROR line of its own, not INFO.
    expect(first.lines.filter((l) => l.level === 'INFO')).toEqual([
      expect.objectContaining({ message: 'evaluated', ensemble: 'lines', roundId: 'r-0', probability: expect.any(Number), transitions: [], published: 0, durationMs: expect.any(Number), servers: 3, serving: 3 }),
    ]);
    const down = linesRound('r-1', new Date(T0 + 60_000), ['leader', 'follower', 'unreachable']);
    const second = await capturedDuring(() => evaluate(streamEvent([down]) as never));
    expect(second.lines.filter((l) => l.level === 'INFO')).toEqual([expect.objectContaining({ message: 'evaluated', roundId: 'r-1', transitions: [expect.stringMatching(/server-down/)], published: 1 })]);
    expect(second.lines.filter((l) => l.level === 'DEBUG')).toEqual([]);
    // A batch of two rounds: a line for each, nothing more.
    const batch = await capturedDuring(() => evaluate(streamEvent([linesRound('r-2', new Date(T0 + 120_000)), linesRound('r-3', new Date(T0 + 180_000))]) as never));
    expect(batch.lines.filter((l) => l.level === 'INFO').map((l) => l.roundId)).toEqual(['r-2', 'r-3']);
  });

  it('the sweep writes one line per run, naming what it changed', async () => {
    const { sweep } = await handlersAt('INFO');
    const { lines } = await capturedDuring(() => sweep(undefined as never));
    expect(lines.filter((l) => l.level !== 'ERROR')).toEqual([
      expect.objectContaining({ message: 'swept', swept: 1, stale: ['lines'], published: 1, transitions: ['lines: fired probe-stale'], failed: 0, durationMs: expect.any(Number) }),
    ]);
  });

  it('the chat relay writes one line per message, naming the channels it reached', async () => {
    const base = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
    const relay = createRelayHandler({
      channels: [
        { name: 'hook-a', kind: 'webhook', secretId: 'a' },
        { name: 'hook-b', kind: 'webhook', secretId: 'b' },
      ],
      secrets: { get: async (id) => ({ url: `${base}/${id}` }) },
      ledger: new MemoryDeliveryLedger(),
      logger: new Logger({ serviceName: 'zk-lookout-chat', logLevel: 'INFO' }),
    });
    const event = { Records: [{ Sns: { MessageId: 'sns-1', Message: JSON.stringify(sampleMessage()) } }] } as unknown as SNSEvent;
    const { lines } = await capturedDuring(() => relay(event, { getRemainingTimeInMillis: () => 30_000 }));
    expect(lines).toEqual([expect.objectContaining({ message: 'relayed', messageId: 'sns-1', wanted: 2, delivered: ['hook-a', 'hook-b'], failed: 0 })]);
  });
});

describe('at DEBUG', () => {
  it('the probe adds the per-round detail', async () => {
    const { probe } = await handlersAt('DEBUG');
    const { lines } = await capturedDuring(() => probe(probeEvent('lines-debug', '2026-03-01T12:00:00Z') as never));
    expect(lines.map((l) => `${String(l.level)} ${String(l.message)}`)).toEqual(['DEBUG round', 'INFO round written']);
    expect(lines[0]).toMatchObject({ servers: expect.arrayContaining([expect.stringMatching(/ leader$/)]) });
  });
});
