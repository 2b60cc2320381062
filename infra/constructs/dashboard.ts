/**
 * One dashboard per stack: a row per ensemble with what an operator checks first (leader
 * count, servers serving, warning probability, probe and canary latency), from the EMF
 * metrics the handlers emit.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type HorizontalAnnotation, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { ENSEMBLE_DIMENSION, type MetricName, METRICS_NAMESPACE, MetricNames, MetricSources, SERVICE_DIMENSION } from '../handler-environment.ts';

export interface LookoutDashboardProps {
  readonly stage: string;
  readonly ensembles: readonly { name: string; serverCount: number }[];
}

function ensembleMetric(ensemble: string, name: MetricName, statistic: string, label: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { [SERVICE_DIMENSION]: MetricSources[name], [ENSEMBLE_DIMENSION]: ensemble },
    statistic,
    period: Duration.minutes(1),
    label,
  });
}

export class LookoutDashboard extends Construct {
  readonly dashboard: Dashboard;
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: LookoutDashboardProps) {
    super(scope, id);
    // Dashboard names are account-wide, across regions: the region keeps a second region's stack apart.
    this.dashboardName = `zk-lookout-${props.stage}-${Aws.REGION}`;
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: this.dashboardName, defaultInterval: Duration.hours(3) });
    for (const { name, serverCount } of props.ensembles) {
      const quorum: HorizontalAnnotation = { value: Math.floor(serverCount / 2) + 1, label: 'quorum' };
      this.dashboard.addWidgets(
        new TextWidget({ markdown: `### ${name}`, width: 24, height: 1 }),
        new GraphWidget({
          title: `${name}: leaders and serving servers`,
          width: 8,
          left: [ensembleMetric(name, MetricNames.LeaderCount, 'Maximum', 'leaders (max)'), ensembleMetric(name, MetricNames.LeaderCount, 'Minimum', 'leaders (min)')],
          right: [ensembleMetric(name, MetricNames.ServersServing, 'Minimum', 'serving (min)')],
          rightAnnotations: [quorum],
        }),
        new GraphWidget({
          title: `${name}: warning probability`,
          width: 8,
          left: [ensembleMetric(name, MetricNames.WarningProbability, 'Maximum', 'warning probability')],
          leftYAxis: { min: 0, max: 1 },
        }),
        new GraphWidget({
          title: `${name}: probe and canary (ms)`,
          width: 8,
          left: [ensembleMetric(name, MetricNames.ProbeMs, 'p90', 'probe p90'), ensembleMetric(name, MetricNames.CanaryMs, 'p90', 'canary p90')],
        }),
      );
    }
  }
}
