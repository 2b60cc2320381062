/**
 * What the evaluator and sweep Lambdas share: the ports the evaluation runs on, built
 * once from the environment the stack sets (names in functions/contract/handler-environment.ts) and
 * reused while the function stays warm, and how an outcome is logged.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { EvaluatorLogFields, HandlerEnv } from '../../contract/handler-environment.ts';
import { requiredEnv } from './required-env.ts';
import { ResultsTable } from './results-table.ts';
import { AlertTooLargeError, SnsNotifier } from './sns-notifier.ts';
import { loadSettings } from './ssm-settings.ts';
import type { EnsembleOutcome, EvaluationPorts } from '../../app/evaluate-ensemble.ts';

let ports: EvaluationPorts | undefined;

/** `logger`: the handler's, for what the ports log themselves (settings errors). */
export function evaluatorPorts(env: NodeJS.ProcessEnv = process.env, logger?: Logger): EvaluationPorts {
  if (ports) return ports;
  const stage = requiredEnv(HandlerEnv.Stage, env);
  const dashboard = env[HandlerEnv.DashboardUrl];
  const built: EvaluationPorts = {
    store: new ResultsTable({ tableName: requiredEnv(HandlerEnv.ResultsTable, env) }),
    notifier: new SnsNotifier({ topicArn: requiredEnv(HandlerEnv.AlertsTopicArn, env) }),
    settings: (ensembleName) => loadSettings(stage, ensembleName, logger),
    clock: () => new Date(),
    // The Lambda runtime sets AWS_REGION: the pasted silence command then edits this stack's parameter.
    messageOptions: { stage, silenceTarget: { stage, ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}) }, links: dashboard ? { dashboard } : {} },
    isUndeliverable: (err) => err instanceof AlertTooLargeError,
  };
  ports = built;
  return built;
}

/**
 * One INFO line per outcome (the dashboard reads `probability` from it; fields in
 * EvaluatorLogFields), and an error for each message dropped as undeliverable. `extra`:
 * what the caller measured around it (duration, the round's size).
 */
export function logOutcome(log: Logger, outcome: EnsembleOutcome, extra: Record<string, number> = {}): void {
  for (const { message, error } of outcome.undeliverable) log.error('alert dropped: it can never be published', { title: message.title, error });
  const probability = outcome.evaluation ? outcome.state?.lastProbability : undefined;
  log.info(outcome.evaluation ? 'evaluated' : 'nothing new to evaluate', {
    ...(probability !== undefined ? { [EvaluatorLogFields.probability]: Number(probability.toPrecision(3)) } : {}),
    transitions: outcome.evaluation?.transitions.map((t) => `${t.change} ${t.alertKey}`) ?? [],
    published: outcome.published.length,
    ...(outcome.conflicts > 0 ? { conflicts: outcome.conflicts } : {}),
    ...extra,
  });
}
