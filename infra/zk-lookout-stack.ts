/**
 * The whole checker in one stack: schedules → probes (one per VPC) → results table →
 * evaluator and sweep → alerts topic → email, chat relay, AWS Chatbot; settings in SSM;
 * a watchdog (→ operations topic → email, AWS Chatbot) and a dashboard. Every permission
 * is a grant between two of these parts, and every function waits for its role's policies.
 */
import { Aspects, Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { AlertmanagerConfig, DeploymentConfig, EnsembleConfig } from './config/deployment-config.ts';
import { AlertsTopic } from './constructs/alerts-topic.ts';
import { AlertmanagerRelay, type AlertmanagerRelayProps } from './constructs/alertmanager-relay.ts';
import { ChatRelay } from './constructs/chat-relay.ts';
import { ChatbotChannels } from './constructs/chatbot.ts';
import { dashboardNameOf, LookoutDashboard } from './constructs/dashboard.ts';
import { HandlerEnv } from '../functions/contract/handler-environment.ts';
import { EvaluatorFunction } from './constructs/evaluator-function.ts';
import { importVpc } from './constructs/imported-vpc.ts';
import { ProbeFunction, probeTarget } from './constructs/probe-function.ts';
import { ProbeSchedules } from './constructs/probe-schedule.ts';
import { ResultsTable } from './constructs/results-table.ts';
import { SettingsParameters } from './constructs/settings-parameters.ts';
import { Watchdog } from './constructs/watchdog.ts';
import { ZookeeperLayer } from './constructs/zookeeper-layer.ts';
import { FunctionsWaitForPolicies } from './functions-wait-for-policies.ts';

export interface ZkLookoutStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** A layer folder built elsewhere. @default built at synth (infra/constructs/zookeeper-layer.ts) */
  readonly zookeeperLayerDirectory?: string;
}

export class ZkLookoutStack extends Stack {
  readonly resultsTable: ResultsTable;
  readonly alerts: AlertsTopic;
  readonly probes: ProbeFunction[];
  readonly evaluator: EvaluatorFunction;
  readonly chatRelay?: ChatRelay;
  readonly alertmanagerRelay?: AlertmanagerRelay;
  readonly schedules: ProbeSchedules;
  readonly watchdog: Watchdog;
  readonly dashboard: LookoutDashboard;

  constructor(scope: Construct, id: string, props: ZkLookoutStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { stage } = config;
    const logRetention = config.logRetentionDays as RetentionDays;
    const alarmNamePrefix = `zk-lookout-${stage}-`;

    this.resultsTable = new ResultsTable(this, 'Results');
    this.alerts = new AlertsTopic(this, 'Alerts', { stage, emailSubscriptions: config.emailSubscriptions });
    const settings = new SettingsParameters(this, 'Settings', { stage, ensembleNames: config.ensembles.map((e) => e.name) });
    const layer = new ZookeeperLayer(this, 'ZookeeperLayer', { directory: props.zookeeperLayerDirectory }).layer;
    this.schedules = new ProbeSchedules(this, 'Schedules', { stage });

    const probeLogGroups = new Map<string, string>();
    this.probes = [...groupByVpc(config.ensembles)].map(([vpcId, ensembles]) => {
      const probe = new ProbeFunction(this, `Probe-${vpcId}`, {
        stage,
        vpc: ensembles[0]!.vpc,
        ensembles,
        layer,
        resultsTable: this.resultsTable,
        roundTtlDays: config.retentionDays,
        logRetention,
      });
      for (const ensemble of ensembles) probeLogGroups.set(ensemble.name, probe.lookout.logGroup.logGroupName);
      for (const ensemble of ensembles) this.schedules.addProbe(probeTarget(ensemble), probe.lookout.function, ensemble.scheduleRate);
      return probe;
    });

    this.evaluator = new EvaluatorFunction(this, 'Evaluate', {
      stage,
      resultsTable: this.resultsTable,
      alertsTopic: this.alerts.topic,
      settings,
      schedules: this.schedules,
      ensembles: config.ensembles.map((e) => ({ name: e.name, intervalSeconds: e.scheduleRate * 60 })),
      dashboardUrl: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${dashboardNameOf(stage)}`,
      logRetention,
    });

    if (config.chatChannels.length > 0) {
      this.chatRelay = new ChatRelay(this, 'ChatRelay', { stage, topic: this.alerts.topic, channels: config.chatChannels, logRetention, resultsTable: this.resultsTable });
    }

    if (config.alertmanager) this.alertmanagerRelay = alertmanagerRelay(this, config.alertmanager, { stage, topic: this.alerts.topic, logRetention });

    const functions = [
      ...this.probes.map((p) => ({ label: `probe ${p.vpc.vpcId}`, lookout: p.lookout })),
      { label: 'evaluator', lookout: this.evaluator.evaluator },
      { label: 'sweep', lookout: this.evaluator.sweep },
      ...(this.chatRelay ? [{ label: 'chat relay', lookout: this.chatRelay.lookout }] : []),
      ...(this.alertmanagerRelay ? [{ label: 'Alertmanager relay', lookout: this.alertmanagerRelay.lookout }] : []),
    ];
    for (const { lookout } of functions) lookout.function.addEnvironment(HandlerEnv.PowertoolsLogLevel, config.logLevel);
    if (config.perEnsembleMetrics) {
      for (const fn of [...this.probes.map((p) => p.lookout.function), this.evaluator.evaluator.function]) fn.addEnvironment(HandlerEnv.PerEnsembleMetrics, 'true');
    }
    this.dashboard = new LookoutDashboard(this, 'Dashboard', {
      stage,
      ensembles: config.ensembles.map((e) => ({ name: e.name, serverCount: e.servers.length, probeLogGroupName: probeLogGroups.get(e.name)! })),
      evaluatorLogGroupName: this.evaluator.evaluator.logGroup.logGroupName,
      functions: functions.map(({ label, lookout }) => ({ label, fn: lookout.function })),
      perEnsembleMetrics: config.perEnsembleMetrics,
    });

    this.watchdog = new Watchdog(this, 'Watchdog', { topic: this.alerts.operationsTopic, alarmNamePrefix });
    for (const probe of this.probes) this.watchdog.watchFunction(`probe-${probe.vpc.vpcId}`, probe.lookout.function);
    this.watchdog.watchFunction('evaluator', this.evaluator.evaluator.function);
    this.watchdog.watchFunction('sweep', this.evaluator.sweep.function);
    if (this.chatRelay) this.watchdog.watchFunction('chat-relay', this.chatRelay.lookout.function);
    if (this.alertmanagerRelay) this.watchdog.watchFunction('alertmanager-relay', this.alertmanagerRelay.lookout.function);
    this.watchdog.watchDeadLetters('schedules', this.schedules.deadLetterQueue);
    this.watchdog.watchDeadLetters('evaluator', this.evaluator.deadLetterQueue);
    if (this.chatRelay) this.watchdog.watchDeadLetters('chat-relay', this.chatRelay.deadLetterQueue);
    if (this.alertmanagerRelay) this.watchdog.watchDeadLetters('alertmanager-relay', this.alertmanagerRelay.deadLetterQueue);
    this.watchdog.watchSchedules('schedules', this.schedules.group);

    new CfnOutput(this, 'AlertsTopicArn', { value: this.alerts.topic.topicArn, description: 'Alerts topic (ensemble alerts): confirm its email subscriptions' });
    new CfnOutput(this, 'OperationsTopicArn', { value: this.alerts.operationsTopic.topicArn, description: "Operations topic (the watchdog's alarms): confirm its email subscriptions too" });
    new CfnOutput(this, 'ResultsTableName', { value: this.resultsTable.table.tableName, description: 'Probe rounds and alert state' });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboardName });

    if (config.chatbot && (config.chatbot.slack || config.chatbot.teams)) {
      new ChatbotChannels(this, 'Chatbot', {
        stage,
        topics: [this.alerts.topic, this.alerts.operationsTopic],
        chatbot: config.chatbot,
        alarmArns: this.watchdog.alarms.map((a) => a.alarmArn),
      });
    }
    Aspects.of(this).add(new FunctionsWaitForPolicies());
  }
}

/** Ensembles grouped by VPC, in config order: one probe function per group. */
function alertmanagerRelay(scope: Construct, config: AlertmanagerConfig, base: Pick<AlertmanagerRelayProps, 'stage' | 'topic' | 'logRetention'>): AlertmanagerRelay {
  return new AlertmanagerRelay(scope, 'AlertmanagerRelay', {
    ...base,
    url: config.url,
    ...(config.secretName ? { secret: Secret.fromSecretNameV2(scope, 'AlertmanagerSecret', config.secretName) } : {}),
    ...(config.vpc
      ? {
          vpc: importVpc(scope, 'AlertmanagerVpc', config.vpc),
          ...(config.vpc.secretsManagerEndpoint ? { secretsManagerEndpoint: config.vpc.secretsManagerEndpoint } : {}),
          ...(config.vpc.dnsServerCidrs ? { dnsServerCidrs: config.vpc.dnsServerCidrs } : {}),
        }
      : {}),
    ...(config.endsAfterMinutes ? { endsAfter: Duration.minutes(config.endsAfterMinutes) } : {}),
  });
}

function groupByVpc(ensembles: readonly EnsembleConfig[]): Map<string, EnsembleConfig[]> {
  const groups = new Map<string, EnsembleConfig[]>();
  for (const ensemble of ensembles) groups.set(ensemble.vpc.vpcId, [...(groups.get(ensemble.vpc.vpcId) ?? []), ensemble]);
  return groups;
}
