import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { GetParameterCommand, GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ResultsTable, roundItem, streamImage } from '../../functions/adapters/aws/results-table.ts';
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import { compactRound } from '../../functions/core/probe/compact-round.ts';
import { PROBE_ROUND_VERSION, type ProbeRound } from '../../functions/contract/probe-round.ts';
import { streamWork } from '../../functions/adapters/aws/stream-record.ts';
import type { SweepResult } from '../../functions/handlers/sweep.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { localDynamo, stubHandlerEnvironment } from '../support/dynalite-table.ts';
import { followerIndex, retimed, withServerDown } from '../support/rounds.ts';

const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);

let evaluate: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
let sweep: () => Promise<SweepResult>;
let table: ResultsTable;
let healthy: ProbeRound;
/** Messages SNS accepted, in order. */
let accepted: AlertMessage[];
/** Ensembles whose next publishes SNS refuses, and how many. */
let refuse: Map<string, number>;

beforeAll(async () => {
  const dynamo = await localDynamo();
  const tableName = await dynamo.createResultsTable();
  stubHandlerEnvironment(dynamo, tableName, { ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:zk-lookout-alerts', STAGE: 'test' });
  ({ handler: evaluate } = await import('../../functions/handlers/evaluate.ts'));
  ({ handler: sweep } = await import('../../functions/handlers/sweep.ts'));
  table = new ResultsTable({ tableName, client: dynamo.client });
  healthy = compactRound(await probeEnsemble(inject('trio').servers, { ensembleName: 'trio', canary: {}, timeoutMs: 3000 }));
});

afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  sns.restore();
  ssm.restore();
});

beforeEach(() => {
  // EMF goes to console.log (POWERTOOLS_DEV); kept off the test output and read where asserted.
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  accepted = [];
  refuse = new Map();
  sns.reset();
  sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
    const ensemble = input.MessageAttributes?.ensemble?.StringValue ?? '';
    const refusals = refuse.get(ensemble) ?? 0;
    if (refusals > 0) {
      refuse.set(ensemble, refusals - 1);
      throw Object.assign(new Error('Internal error'), { name: 'InternalErrorException' });
    }
    accepted.push(JSON.parse(JSON.parse(input.Message ?? '{}').lambda) as AlertMessage);
    return { MessageId: `m-${accepted.length}` };
  });
  ssm.reset();
  ssm.on(GetParameterCommand).rejects(Object.assign(new Error('parameter not found'), { name: 'ParameterNotFound' }));
});

/** The sweep's ensemble list as the stack writes it: one SSM parameter under the stage's list path. */
function sweepList(stage: string, value: string): void {
  ssm.on(GetParametersByPathCommand, { Path: `/zk-lookout/${stage}/deployment/sweep-ensembles` }).resolves({ Parameters: [{ Name: `/zk-lookout/${stage}/deployment/sweep-ensembles/0`, Value: value }] });
}

let sequence = 0;
const T0 = Date.parse('2026-03-01T12:00:00Z');
const at = (minute: number) => new Date(T0 + minute * 60_000);

/** A stream record as Lambda receives it (JSON, DynamoDB attribute values, NEW_IMAGE view). */
function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', image: Record<string, unknown>, extra: Partial<DynamoDBRecord> = {}): DynamoDBRecord {
  sequence += 1;
  const keys = { pk: image.pk, sk: image.sk };
  // As Lambda's JSON event carries it: a binary attribute (the round's body) as base64.
  const streamed = streamImage(image as Record<string, AttributeValue>);
  return JSON.parse(
    JSON.stringify({
      eventID: `event-${sequence}`,
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/results/stream/2026-03-01T00:00:00.000',
      dynamodb: {
        Keys: keys,
        ...(eventName === 'REMOVE' ? {} : { NewImage: streamed }),
        SequenceNumber: String(sequence).padStart(21, '0'),
        SizeBytes: JSON.stringify(streamed).length,
        StreamViewType: 'NEW_IMAGE',
      },
      ...extra,
    }),
  ) as DynamoDBRecord;
}

const insert = (round: ProbeRound) => record('INSERT', roundItem(round, round.startedAt));
const sequenceOf = (r: DynamoDBRecord) => r.dynamodb?.SequenceNumber;
const changes = (messages: AlertMessage[]) => messages.map((m) => `${m.ensembleName}: ${m.changes.map((c) => `${c.change} ${c.alertName}`).join(', ')}`);

describe('evaluator handler', () => {
  it('evaluates round inserts in order per ensemble, ignores the rest, and fails a failed round with every later round of its ensemble', async () => {
    const a1 = retimed(healthy, at(0), 'alpha');
    const b1 = retimed(healthy, at(0), 'beta');
    const a2 = withServerDown(retimed(healthy, at(1), 'alpha'), followerIndex(healthy));
    const b2 = withServerDown(retimed(healthy, at(1), 'beta'), followerIndex(healthy));
    const a3 = retimed(healthy, at(2), 'alpha');
    const ttlRemoval = record('REMOVE', roundItem(retimed(healthy, at(-20_000), 'alpha'), at(-20_000)), {
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
    const stateModify = record('MODIFY', { pk: { S: 'ENS#alpha' }, sk: { S: 'STATE' }, type: { S: 'state' }, rev: { N: '1' }, state: { S: '{}' }, outbox: { L: [] } });
    const records = [insert(a1), insert(b1), ttlRemoval, stateModify, insert(a2), insert(b2), insert(a3)];
    refuse.set('alpha', 1);

    const first = await evaluate({ Records: records });

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(records[4]!) }, { itemIdentifier: sequenceOf(records[6]!) }]);
    expect(changes(accepted)).toEqual(['beta: fired server-down']);
    const alpha = await table.getState('alpha');
    expect(alpha?.state.lastRoundIds).toEqual([a1.roundId, a2.roundId]);
    expect(alpha?.outbox.map((m) => m.roundId)).toEqual([a2.roundId]);

    // The stream retries from the first failure: the committed round only flushes its outbox.
    const retry = await evaluate({ Records: records.slice(4) });
    expect(retry.batchItemFailures).toEqual([]);
    expect(changes(accepted)).toEqual(['beta: fired server-down', 'alpha: fired server-down', 'alpha: resolved server-down']);
    expect((await table.getState('alpha'))?.state.lastRoundIds).toEqual([a1.roundId, a2.roundId, a3.roundId]);
    expect((await table.getState('beta'))?.state.lastRoundIds).toEqual([b1.roundId, b2.roundId]);
  });

  it('fails only the record it cannot read, naming the item and the problem', async () => {
    const unreadable = { ...roundItem(retimed(healthy, at(0), 'gamma'), at(0)), roundVersion: { N: '9' } };
    const records = [record('INSERT', unreadable), insert(retimed(healthy, at(0), 'delta')), record('REMOVE', roundItem(retimed(healthy, at(0), 'delta'), at(0)))];
    const log = vi.mocked(console.log);
    log.mockClear();

    const response = await evaluate({ Records: records });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(records[0]!) }]);
    expect(await table.getState('gamma')).toBeUndefined();
    const emf = log.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>).filter((line) => '_aws' in line);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ service: 'zk-lookout-evaluator', ensemble: 'delta', WarningProbability: expect.any(Number) });
    expect(() => streamWork(records[0]!)).toThrow(new RegExp(`^item RND#gamma / R#2026-03-01T12:00:00.000Z#\\w+: roundVersion 9, this code reads 1 to ${PROBE_ROUND_VERSION}$`));
  });
});

describe('sweep handler', () => {
  it('raises probe-stale once for an ensemble silent for 3 intervals, not for a fresh one or one never probed', async () => {
    const fresh = retimed(healthy, new Date(Date.now() - 30_000), 'sweep-fresh');
    await evaluate({ Records: [insert(retimed(healthy, at(0), 'sweep-old')), insert(fresh)] });
    sweepList('test', JSON.stringify(['sweep-old', 'sweep-fresh', 'sweep-never'].map((name) => ({ name, intervalSeconds: 60 }))));

    expect(await sweep()).toEqual({ swept: 3, stale: ['sweep-old'], published: 1 });
    expect(changes(accepted)).toEqual(['sweep-old: fired probe-stale']);
    expect(await sweep()).toEqual({ swept: 3, stale: ['sweep-old'], published: 0 });
    expect(accepted).toHaveLength(1);
  });

  it('refuses a bad ensemble list naming the parameter and the problem', async () => {
    // Another stage per case: the list is cached per path.
    vi.stubEnv('STAGE', 'bad-entry');
    sweepList('bad-entry', '[{"name":"x","intervalSeconds":0}]');
    await expect(sweep()).rejects.toThrow('/zk-lookout/bad-entry/deployment/sweep-ensembles: [0].intervalSeconds: Too small');
    vi.stubEnv('STAGE', 'bad-json');
    sweepList('bad-json', 'x');
    await expect(sweep()).rejects.toThrow('/zk-lookout/bad-json/deployment/sweep-ensembles/0: not JSON');
    vi.stubEnv('STAGE', 'test');
  });
});
