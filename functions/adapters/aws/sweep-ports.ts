/**
 * What the sweep Lambda wires around `sweepEnsembles` (the evaluation's ports are the
 * evaluator's, `evaluator-ports.ts`): the ensemble list the stack writes to SSM, and the
 * run's log lines.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { DeploymentListPaths, HandlerEnv, type SweepEnsemble } from '../../contract/handler-environment.ts';
import { parseValue, zodWording } from '../../contract/parse-with.ts';
import type { SweepReport } from '../../app/sweep-ensembles.ts';
import { DeploymentList } from './deployment-list.ts';
import { requiredEnv } from './required-env.ts';

/** The ensembles the stack schedules, with their schedule rate. */
const SweepEnsembles = z.array(z.strictObject({ name: z.string().min(1), intervalSeconds: z.number().positive() }) satisfies z.ZodType<SweepEnsemble>).min(1);

const deploymentList = new DeploymentList();

export async function sweepEnsemblesOf(env: NodeJS.ProcessEnv = process.env): Promise<SweepEnsemble[]> {
  const path = DeploymentListPaths.sweepEnsembles(requiredEnv(HandlerEnv.Stage, env));
  return parseValue(SweepEnsembles, await deploymentList.read(path), path, { describe: zodWording });
}

/** An error per failed ensemble or dropped message, and the one INFO line per run, so a quiet sweep is told apart from one that did not run. */
export function logSweep(logger: Logger, report: SweepReport, durationMs: number): void {
  for (const { ensemble, error } of report.failed) logger.error('sweep of ensemble failed', { ensemble, error: error as Error });
  for (const { ensemble, message, error } of report.undeliverable) logger.error('alert dropped: it can never be published', { ensemble, title: message.title, error });
  const { swept, stale, published, transitions, failed } = report;
  logger.info('swept', { swept, stale, published, transitions, failed: failed.length, durationMs: Math.round(durationMs) });
}
