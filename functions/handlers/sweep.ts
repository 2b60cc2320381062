/**
 * The sweep Lambda, run on a schedule: for every configured ensemble, raise
 * `probe-stale` when no round came for STALE_INTERVALS intervals, and publish any
 * outbox an interrupted evaluation left behind. One ensemble's failure does not stop
 * the others; the invocation fails at the end so the errors alarm sees it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { DeploymentListPaths, HandlerEnv, ServiceNames, type SweepEnsemble } from '../contract/handler-environment.ts';
import { DeploymentList } from '../adapters/aws/deployment-list.ts';
import { requiredEnv } from '../adapters/aws/required-env.ts';
import { sweepEnsemble } from '../app/evaluate-ensemble.ts';
import { evaluatorPorts } from '../adapters/aws/evaluator-ports.ts';

const logger = new Logger({ serviceName: ServiceNames.Sweep });
const deploymentList = new DeploymentList();

/** The ensembles the stack schedules, with their schedule rate (an SSM list the stack writes). */
const SweepEnsembles = z.array(z.strictObject({ name: z.string().min(1), intervalSeconds: z.number().positive() }) satisfies z.ZodType<SweepEnsemble>).min(1);

export interface SweepResult {
  swept: number;
  stale: string[];
  published: number;
}

export async function handler(_event?: unknown, context?: Context): Promise<SweepResult> {
  // Request id and cold start on every line; resetKeys() per ensemble keeps them.
  if (context) logger.addContext(context);
  const startedAt = performance.now();
  const path = DeploymentListPaths.sweepEnsembles(requiredEnv(HandlerEnv.Stage));
  const ensembles = parseSweepEnsembles(await deploymentList.read(path), path);
  const result: SweepResult = { swept: 0, stale: [], published: 0 };
  /** `<ensemble>: <change> <alert key>` for what this run changed, in its one line. */
  const transitions: string[] = [];
  const failed: string[] = [];
  for (const { name, intervalSeconds } of ensembles) {
    logger.appendKeys({ ensemble: name });
    try {
      const outcome = await sweepEnsemble(name, intervalSeconds * 1000, evaluatorPorts(process.env, logger));
      result.swept += 1;
      result.published += outcome.published.length;
      if (outcome.state?.alerts['probe-stale']) result.stale.push(name);
      for (const t of outcome.evaluation?.transitions ?? []) transitions.push(`${name}: ${t.change} ${t.alertKey}`);
      for (const { message, error } of outcome.undeliverable) logger.error('alert dropped: it can never be published', { title: message.title, error });
    } catch (err) {
      failed.push(name);
      logger.error('sweep of ensemble failed', { error: err as Error });
    } finally {
      logger.resetKeys();
    }
  }
  // The one INFO line per run (errors apart), so a quiet sweep is told apart from one that did not run.
  logger.info('swept', { ...result, transitions, failed: failed.length, durationMs: Math.round(performance.now() - startedAt) });
  if (failed.length > 0) throw new Error(`sweep failed for ${failed.length} of ${ensembles.length} ensemble(s): ${failed.join(', ')}`);
  return result;
}

function parseSweepEnsembles(json: unknown, where: string): SweepEnsemble[] {
  const parsed = SweepEnsembles.safeParse(json);
  if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`).join('; ')}`);
  return parsed.data;
}
