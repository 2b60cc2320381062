/**
 * The evaluator Lambda: DynamoDB stream batches of round inserts, one after another → `evaluateEnsembleRound`
 * (functions/app/evaluate-ensemble.ts) → SNS. Once a round of an ensemble fails, its later rounds in the batch fail too.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ServiceNames } from '../contract/handler-environment.ts';
import { evaluateEnsembleRound } from '../app/evaluate-ensemble.ts';
import { evaluatorPorts, reportOutcome } from '../adapters/aws/evaluator-ports.ts';
import { streamWork } from '../adapters/aws/stream-record.ts';

const logger = new Logger({ serviceName: ServiceNames.Evaluator });
const processor = new BatchProcessor(EventType.DynamoDBStreams);

export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  // Request id and cold start on every line; resetKeys() per record keeps them.
  if (context) logger.addContext(context);
  const failed = new Set<string>();
  return processPartialResponse(event, (record: DynamoDBRecord) => evaluateRecord(record, failed), processor, { ...(context ? { context } : {}), processInParallel: false });
}

async function evaluateRecord(record: DynamoDBRecord, failedEnsembles: Set<string>): Promise<void> {
  const work = streamWork(record);
  if (work.kind === 'ignored') return logger.debug('record ignored', { eventID: record.eventID, reason: work.reason });
  const { round } = work;
  logger.appendKeys({ ensemble: round.ensembleName, roundId: round.roundId });
  try {
    if (failedEnsembles.has(round.ensembleName)) throw new Error(`an earlier round of ensemble "${round.ensembleName}" failed in this batch; kept in order for the retry`);
    const startedAt = performance.now();
    const outcome = await evaluateEnsembleRound(round, evaluatorPorts(process.env, logger));
    reportOutcome(logger, outcome, round, performance.now() - startedAt);
  } catch (err) {
    failedEnsembles.add(round.ensembleName);
    logger.error('round not evaluated; the stream retries it', { error: err as Error });
    throw err;
  } finally {
    logger.resetKeys();
  }
}
