/**
 * The sweep Lambda, run on a schedule: `sweepEnsembles` (functions/app/sweep-ensembles.ts)
 * over the ensembles the stack schedules. It fails at the end when any ensemble failed, so
 * the errors alarm sees it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { ServiceNames } from '../contract/handler-environment.ts';
import { sweepEnsembles, type SweepReport } from '../app/sweep-ensembles.ts';
import { evaluatorPorts } from '../adapters/aws/evaluator-ports.ts';
import { logSweep, sweepEnsemblesOf } from '../adapters/aws/sweep-ports.ts';

const logger = new Logger({ serviceName: ServiceNames.Sweep });

export type SweepResult = Pick<SweepReport, 'swept' | 'stale' | 'published'>;

export async function handler(_event?: unknown, context?: Context): Promise<SweepResult> {
  // Request id and cold start on every line.
  if (context) logger.addContext(context);
  const startedAt = performance.now();
  const ensembles = await sweepEnsemblesOf();
  const report = await sweepEnsembles(ensembles, evaluatorPorts(process.env, logger));
  logSweep(logger, report, performance.now() - startedAt);
  const failed = report.failed.map((f) => f.ensemble);
  if (failed.length > 0) throw new Error(`sweep failed for ${failed.length} of ${ensembles.length} ensemble(s): ${failed.join(', ')}`);
  return { swept: report.swept, stale: report.stale, published: report.published };
}
