/**
 * The contract between the stack and the handlers: environment variable names, the JSON
 * they carry, the Scheduler payload and the EMF metric names the dashboard reads. The
 * stack writes these and the handlers read them, so both import this file; it has no CDK
 * import and bundles into a handler as plain constants.
 */
import type { ServerAddress } from './server-address.ts';
import type { ZnodeRule } from './znode-rules.ts';

export const HandlerEnv = {
  /** Results table name (rounds and state items). Probe, evaluator, sweep. */
  ResultsTable: 'RESULTS_TABLE',
  /** Days a round item lives (its `ttl` attribute). Probe. */
  RoundTtlDays: 'ROUND_TTL_DAYS',
  /** Alerts topic ARN. Evaluator, sweep. */
  AlertsTopicArn: 'ALERTS_TOPIC_ARN',
  /** Deployment stage, e.g. `prod`. Every function. */
  Stage: 'STAGE',
  /** Console URL of the stack's dashboard, for message links. Evaluator, sweep. */
  DashboardUrl: 'DASHBOARD_URL',
  /** `true`: emit the per-ensemble EMF metrics (config `perEnsembleMetrics`). Probe, evaluator. */
  PerEnsembleMetrics: 'PER_ENSEMBLE_METRICS',
  /** INFO (one line per invocation) or DEBUG (config `logLevel`). Every function. */
  PowertoolsLogLevel: 'POWERTOOLS_LOG_LEVEL',
  PowertoolsServiceName: 'POWERTOOLS_SERVICE_NAME',
  PowertoolsMetricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

/**
 * The SSM parameters the settings live in, named from the stage: the stack creates them,
 * the evaluator and sweep read them, `zk-lookout silence` edits one.
 */
export const SettingsParameterNames = {
  thresholds: (stage: string) => `/zk-lookout/${stage}/thresholds`,
  ensembleThresholds: (stage: string, ensemble: string) => `/zk-lookout/${stage}/ensembles/${ensemble}/thresholds`,
  silences: (stage: string) => `/zk-lookout/${stage}/silences`,
} as const;

/**
 * The lists that grow with the config, kept out of the 4 KB Lambda environment: the stack
 * writes each as numbered SSM parameters under its path (`functions/adapters/aws/deployment-list.ts`
 * reads them), named from the stage like the settings.
 */
export const DeploymentListPaths = {
  /** `SweepEnsemble[]`: which ensembles should be reporting and how often. Sweep. */
  sweepEnsembles: (stage: string) => `/zk-lookout/${stage}/deployment/sweep-ensembles`,
  /** `ChannelConfig[]` (`chat-channels.ts`): non-secret channel config; URLs and keys live in Secrets Manager. Chat relay. */
  chatChannels: (stage: string) => `/zk-lookout/${stage}/deployment/chat-channels`,
} as const;

/** `POWERTOOLS_SERVICE_NAME` of each function. */
export const ServiceNames = {
  Probe: 'zk-lookout-probe',
  Evaluator: 'zk-lookout-evaluator',
  Sweep: 'zk-lookout-sweep',
  ChatRelay: 'zk-lookout-chat-relay',
  AlertmanagerRelay: 'zk-lookout-alertmanager-relay',
} as const;

/**
 * EMF namespace and metrics the dashboard reads. A CloudWatch metric is identified by all
 * its dimensions: Powertools adds `service` (POWERTOOLS_SERVICE_NAME) to every metric, so
 * each metric is emitted with exactly `{ service, ensemble }` by the function named in
 * `MetricSources`, and the dashboard asks for it under that service.
 */
export const METRICS_NAMESPACE = 'ZkLookout';
export const ENSEMBLE_DIMENSION = 'ensemble';
export const SERVICE_DIMENSION = 'service';
export const MetricNames = {
  LeaderCount: 'LeaderCount',
  ServersServing: 'ServersServing',
  WarningProbability: 'WarningProbability',
  ProbeMs: 'ProbeMs',
  CanaryMs: 'CanaryMs',
} as const;
export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];

/** Which function emits each metric: the probe sees the round, only the evaluator knows the model. */
export const MetricSources: Record<MetricName, string> = {
  LeaderCount: ServiceNames.Probe,
  ServersServing: ServiceNames.Probe,
  ProbeMs: ServiceNames.Probe,
  CanaryMs: ServiceNames.Probe,
  WarningProbability: ServiceNames.Evaluator,
};

/** Whether the handler emits the per-ensemble EMF metrics (off unless the stack opted in). */
export function perEnsembleMetricsOn(env: Record<string, string | undefined> = process.env): boolean {
  return env[HandlerEnv.PerEnsembleMetrics] === 'true';
}

/**
 * Fields of the probe's one INFO line per invocation that the default dashboard's Logs
 * Insights widgets read (with `ensemble`). Over several rounds in one invocation,
 * `serving` is the lowest and `leaders` the one furthest from 1.
 */
export const ProbeLogFields = {
  serving: 'serving',
  leaders: 'leaders',
  durationMs: 'durationMs',
  canaryMs: 'canaryMs',
} as const;

/** Fields of the evaluator's INFO line per evaluated round that the dashboard reads (with `ensemble`). */
export const EvaluatorLogFields = {
  probability: 'probability',
} as const;

/** The round items the evaluator's stream filter lets through carry `type: 'round'`. */
export const ROUND_ITEM_TYPE = 'round';

/** What the probe needs to probe one ensemble (`functions/contract/probe-event.ts` parses it). */
export interface ProbeTarget {
  name: string;
  /** Client port (and AdminServer port where configured) of every server. */
  servers: ServerAddress[];
  /** When set, four-letter words go over TLS to this port instead of the client port; the canary keeps the client ports. */
  securePort?: number;
  /** Absent when the canary is disabled. `znodeRules` are checked in its session. */
  canary?: { root: string; digestSecretId?: string; znodeRules?: ZnodeRule[] };
  /** Evenly spaced rounds within one invocation (sub-minute probing). */
  roundsPerInvocation: number;
  /** The schedule's rate in seconds, over which those rounds are spread. */
  intervalSeconds: number;
}

/**
 * The Scheduler's input to the probe. `scheduledTime` is the same on every retry of one
 * schedule firing, so it keys the round item: a retried invocation overwrites nothing
 * and duplicates nothing.
 */
export interface ProbeScheduleInput {
  ensemble: ProbeTarget;
  /** ISO time, filled in by Scheduler (`<aws.scheduler.scheduled-time>`). */
  scheduledTime: string;
}

/** One entry of the sweep's ensemble list (`DeploymentListPaths.sweepEnsembles`): an ensemble is stale after 3 intervals without a round. */
export interface SweepEnsemble {
  name: string;
  /** The schedule rate in seconds: a missed invocation, not a missed sub-minute round, is the unit. */
  intervalSeconds: number;
}
