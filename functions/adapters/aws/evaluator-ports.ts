/**
 * What the evaluator and sweep Lambdas share: the ports the evaluation runs on, built
 * once from the environment the stack sets (names in functions/contract/handler-environment.ts) and
 * reused while the function stays warm; and how the evaluator reports an outcome.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ENSEMBLE_DIMENSION, EvaluatorLogFields, HandlerEnv, METRICS_NAMESPACE, MetricNames, perEnsembleMetricsOn, ServiceNames } from '../../contract/handler-environment.ts';
import type { ProbeRound } from '../../contract/probe-round.ts';
import { requiredEnv } from './required-env.ts';
import { ResultsTable } from './results-table.ts';
import { AlertTooLargeError, SnsNotifier } from './sns-notifier.ts';
import { loadSettings } from './ssm-settings.ts';
import type { EnsembleOutcome, EvaluationPorts } from '../../app/evaluate-ensemble.ts';

let ports: EvaluationPorts | undefined;
let metrics: Metrics | undefined;

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
 * One INFO line per evaluated round (the dashboard reads `probability` from it; fields in
 * EvaluatorLogFields) with the round's size and the evaluation's duration, an error for
 * each message dropped as undeliverable, and the warning probability as a metric when the
 * stack opted in to per-ensemble metrics.
 */
export function reportOutcome(log: Logger, outcome: EnsembleOutcome, round: ProbeRound, durationMs: number): void {
  for (const { message, error } of outcome.undeliverable) log.error('alert dropped: it can never be published', { title: message.title, error });
  const probability = outcome.evaluation ? outcome.state?.lastProbability : undefined;
  log.info(outcome.evaluation ? 'evaluated' : 'nothing new to evaluate', {
    ...(probability !== undefined ? { [EvaluatorLogFields.probability]: Number(probability.toPrecision(3)) } : {}),
    transitions: outcome.evaluation?.transitions.map((t) => `${t.change} ${t.alertKey}`) ?? [],
    published: outcome.published.length,
    ...(outcome.conflicts > 0 ? { conflicts: outcome.conflicts } : {}),
    durationMs: Math.round(durationMs),
    servers: round.servers.length,
    serving: round.ensemble.serving,
  });
  if (probability !== undefined && perEnsembleMetricsOn()) {
    metrics ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: ServiceNames.Evaluator });
    metrics.addDimension(ENSEMBLE_DIMENSION, round.ensembleName);
    metrics.addMetric(MetricNames.WarningProbability, MetricUnit.NoUnit, probability);
    metrics.publishStoredMetrics();
  }
}
