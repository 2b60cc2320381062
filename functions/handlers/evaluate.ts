/**
 * The evaluator Lambda: DynamoDB stream batches of round inserts → evaluation → SNS.
 * Records run one after another in stream order, so each ensemble's rounds are
 * evaluated in order; once a round of an ensemble fails, that ensemble's later rounds in
 * the batch fail too (reported as partial batch failures) and are retried after it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ENSEMBLE_DIMENSION, METRICS_NAMESPACE, MetricNames, perEnsembleMetricsOn, ServiceNames } from '../contract/handler-environment.ts';
import { evaluateEnsembleRound } from '../app/evaluate-ensemble.ts';
import { evaluatorPorts, logOutcome } from '../adapters/aws/evaluator-ports.ts';
import { streamWork } from '../adapters/aws/stream-record.ts';

const logger = new Logger({ serviceName: ServiceNames.Evaluator });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: ServiceNames.Evaluator });
const processor = new BatchProcessor(EventType.DynamoDBStreams);

export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  // Request id and cold start on every line; resetKeys() per record keeps them.
  if (context) logger.addContext(context);
  const failedEnsembles = new Set<string>();
  return processPartialResponse(event, (record: DynamoDBRecord) => evaluateRecord(record, failedEnsembles), processor, {
    ...(context ? { context } : {}),
    processInParallel: false,
  });
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
    logOutcome(logger, outcome, { durationMs: Math.round(performance.now() - startedAt), servers: round.servers.length, serving: round.ensemble.serving });
    if (perEnsembleMetricsOn() && outcome.evaluation && outcome.state?.lastProbability !== undefined) {
      metrics.addDimension(ENSEMBLE_DIMENSION, round.ensembleName);
      metrics.addMetric(MetricNames.WarningProbability, MetricUnit.NoUnit, outcome.state.lastProbability);
      metrics.publishStoredMetrics();
    }
  } catch (err) {
    failedEnsembles.add(round.ensembleName);
    logger.error('round not evaluated; the stream retries it', { error: err as Error });
    throw err;
  } finally {
    logger.resetKeys();
  }
}
