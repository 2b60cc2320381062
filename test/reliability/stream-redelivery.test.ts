/**
 * Delivery guarantees of the evaluator Lambda, through its real handler, on dynalite, with
 * SNS mocked at the adapter boundary, over the 67 REAL rounds recorded while a fault
 * script played (test/fixtures/rounds/fault-script.jsonl):
 *   - every stream batch delivered twice → the same notifications as one delivery, none twice;
 *   - SNS publish failing (once, or several times in a row) then succeeding, with the
 *     stream retrying from the first failed record → every message delivered exactly once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { roundItem, streamImage } from '../../functions/adapters/aws/results-table.ts';
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { parseRoundLine } from '../../functions/core/probe/round-lines.ts';
import { localDynamo, stubHandlerEnvironment } from '../support/dynalite-table.ts';
import { retimed } from '../support/rounds.ts';

const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);
let evaluate: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
/** Messages SNS accepted, in order. */
let accepted: AlertMessage[];
/** Decides, per publish attempt, whether SNS refuses it. */
let refuse: (attempt: number) => boolean;

const recorded: ProbeRound[] = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'rounds', 'fault-script.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l, i) => parseRoundLine(l, i + 1).round);

beforeAll(async () => {
  const dynamo = await localDynamo();
  stubHandlerEnvironment(dynamo, await dynamo.createResultsTable(), { ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:zk-lookout-alerts', STAGE: 'test' }, { metrics: false });
  ({ handler: evaluate } = await import('../../functions/handlers/evaluate.ts'));
});

afterAll(() => {
  vi.unstubAllEnvs();
  sns.restore();
  ssm.restore();
});

/** SNS and SSM as the adapters see them: publishes recorded (or refused), no parameters. */
function fakeAws(): void {
  accepted = [];
  refuse = () => false;
  let attempts = 0;
  sns.reset();
  sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
    if (refuse(++attempts)) throw Object.assign(new Error('Internal error'), { name: 'InternalErrorException', $fault: 'server' });
    accepted.push(JSON.parse(JSON.parse(input.Message ?? '{}').lambda) as AlertMessage);
    return { MessageId: `m-${accepted.length}` };
  });
  ssm.reset();
  ssm.on(GetParameterCommand).rejects(Object.assign(new Error('parameter not found'), { name: 'ParameterNotFound' }));
}
beforeEach(fakeAws);

let sequence = 0;
function insert(round: ProbeRound): DynamoDBRecord {
  sequence += 1;
  // As Lambda's JSON event carries it: the round's binary body as base64.
  const image = streamImage(roundItem(round, round.startedAt));
  return JSON.parse(
    JSON.stringify({
      eventID: `event-${sequence}`,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { Keys: { pk: image.pk, sk: image.sk }, NewImage: image, SequenceNumber: String(sequence).padStart(21, '0'), StreamViewType: 'NEW_IMAGE' },
    }),
  ) as DynamoDBRecord;
}

/** The recorded rounds as one ensemble's stream records, in batches of `size`. */
function batches(ensembleName: string, size: number): DynamoDBRecord[][] {
  const records = recorded.map((r) => insert(retimed(r, new Date(r.startedAt), ensembleName)));
  return Array.from({ length: Math.ceil(records.length / size) }, (_, i) => records.slice(i * size, (i + 1) * size));
}

/**
 * What Lambda does with a failed batch (bounded): after a partial failure it retries from
 * the first failed record; when every record failed (the handler throws) the whole batch.
 */
async function deliverUntilDone(batch: DynamoDBRecord[], maxAttempts = 20): Promise<number> {
  let pending = batch;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let batchItemFailures: DynamoDBBatchResponse['batchItemFailures'];
    try {
      ({ batchItemFailures } = await evaluate({ Records: pending }));
    } catch (err) {
      if (!(err instanceof FullBatchFailureError)) throw err;
      continue;
    }
    if (batchItemFailures.length === 0) return attempt;
    const first = pending.findIndex((r) => r.dynamodb?.SequenceNumber === batchItemFailures[0]?.itemIdentifier);
    expect(first).toBeGreaterThanOrEqual(0);
    pending = pending.slice(first);
  }
  throw new Error(`batch still failing after ${maxAttempts} deliveries`);
}

/** The notifications as a person reads them: each message's changes, in order. */
const story = (messages: readonly AlertMessage[]) => messages.map((m) => m.changes.map((c) => `${c.change} ${c.alertKey}`).join(', '));
const ids = (messages: readonly AlertMessage[]) => messages.map((m) => `${m.roundId}@${m.evaluatedAt}`);

describe('stream redelivery and SNS failures (real recorded rounds, real handler, dynalite)', () => {
  let once: string[];

  beforeAll(async () => {
    fakeAws();
    for (const batch of batches('once', 5)) await deliverUntilDone(batch);
    once = story(accepted);
  });

  it('the recorded fault script notifies each fault and its recovery', () => {
    const text = once.join(' | ');
    for (const alert of ['server-down', 'quorum-lost']) {
      expect(text).toContain(`fired ${alert}`);
      expect(text).toContain(`resolved ${alert}`);
    }
  });

  it('every batch delivered twice: the same notifications as one delivery, none twice', async () => {
    for (const batch of batches('twice', 5)) {
      await deliverUntilDone(batch);
      await deliverUntilDone(batch);
    }
    expect(story(accepted)).toEqual(once);
    expect(new Set(ids(accepted)).size).toBe(accepted.length);
  });

  it('SNS refusing the first attempt of every publish: each message still delivered exactly once', async () => {
    refuse = (attempt) => attempt % 2 === 1;
    for (const batch of batches('flaky', 5)) await deliverUntilDone(batch);
    expect(story(accepted)).toEqual(once);
    expect(new Set(ids(accepted)).size).toBe(accepted.length);
  });

  it('SNS down for several attempts in a row, then back: delivered exactly once, in order', async () => {
    refuse = (attempt) => attempt >= 2 && attempt <= 6;
    const all = batches('outage', 67)[0] as DynamoDBRecord[];
    const deliveries = await deliverUntilDone(all);
    expect(deliveries).toBeGreaterThan(1);
    expect(story(accepted)).toEqual(once);
    expect(new Set(ids(accepted)).size).toBe(accepted.length);
  });
});
