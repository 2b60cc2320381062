/**
 * The per-ensemble EMF metrics of one probe round that the dashboard draws (names and
 * emitter fixed in functions/contract/handler-environment.ts). One flush per round keeps each
 * ensemble's dimension apart. They carry the time of the flush, not the round's:
 * CloudWatch drops EMF stamped more than 14 days back.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { ENSEMBLE_DIMENSION, MetricNames } from '../../contract/handler-environment.ts';
import type { ProbeRound } from '../../contract/probe-round.ts';

export function publishRoundMetrics(metrics: Metrics, round: ProbeRound): void {
  metrics.addDimension(ENSEMBLE_DIMENSION, round.ensembleName);
  metrics.addMetric(MetricNames.ServersServing, MetricUnit.Count, round.ensemble.serving);
  metrics.addMetric(MetricNames.LeaderCount, MetricUnit.Count, round.ensemble.leaderCount);
  metrics.addMetric(MetricNames.ProbeMs, MetricUnit.Milliseconds, round.durationMs);
  if (round.canary) metrics.addMetric(MetricNames.CanaryMs, MetricUnit.Milliseconds, round.canary.totalMs);
  metrics.publishStoredMetrics();
}
