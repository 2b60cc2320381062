/**
 * The stack's dashboard: a row per ensemble with what an operator checks first (leader
 * count, servers serving, warning probability, probe and canary latency), from the EMF
 * metrics the handlers emit. CloudWatch allows 500 widgets on one dashboard, and a row is
 * 4, so past `ENSEMBLES_PER_DASHBOARD` ensembles the rows continue on further pages
 * (`<name>-2`, `<name>-3`, …), which the first one links to.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type HorizontalAnnotation, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { ENSEMBLE_DIMENSION, type MetricName, METRICS_NAMESPACE, MetricNames, MetricSources, SERVICE_DIMENSION } from '../handler-environment.ts';

/** CloudWatch's limit on widgets per dashboard. */
export const MAX_WIDGETS_PER_DASHBOARD = 500;
const WIDGETS_PER_ENSEMBLE = 4;
/** One widget of each page is its header. */
export const ENSEMBLES_PER_DASHBOARD = Math.floor((MAX_WIDGETS_PER_DASHBOARD - 1) / WIDGETS_PER_ENSEMBLE);

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
  /** The first page: the one messages link to. */
  readonly dashboard: Dashboard;
  readonly dashboards: Dashboard[];
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: LookoutDashboardProps) {
    super(scope, id);
    // Dashboard names are account-wide, across regions: the region keeps a second region's stack apart.
    this.dashboardName = `zk-lookout-${props.stage}-${Aws.REGION}`;
    const pages: (typeof props.ensembles)[] = [];
    for (let i = 0; i < props.ensembles.length; i += ENSEMBLES_PER_DASHBOARD) pages.push(props.ensembles.slice(i, i + ENSEMBLES_PER_DASHBOARD));
    const pageName = (n: number) => (n === 0 ? this.dashboardName : `${this.dashboardName}-${n + 1}`);
    this.dashboards = pages.map((ensembles, n) => {
      const dashboard = new Dashboard(this, n === 0 ? 'Dashboard' : `Dashboard${n + 1}`, { dashboardName: pageName(n), defaultInterval: Duration.hours(3) });
      if (pages.length > 1) {
        const links = pages.map((page, m) => (m === n ? `**${m + 1}**` : `[${m + 1}](#dashboards/dashboard/${pageName(m)})`)).join(' · ');
        dashboard.addWidgets(new TextWidget({ markdown: `zk-lookout ${props.stage}, ensembles ${n * ENSEMBLES_PER_DASHBOARD + 1}–${n * ENSEMBLES_PER_DASHBOARD + ensembles.length} of ${props.ensembles.length}; pages: ${links}`, width: 24, height: 1 }));
      }
      for (const ensemble of ensembles) addEnsembleRow(dashboard, ensemble);
      return dashboard;
    });
    this.dashboard = this.dashboards[0]!;
  }
}

function addEnsembleRow(dashboard: Dashboard, { name, serverCount }: { name: string; serverCount: number }): void {
  const quorum: HorizontalAnnotation = { value: Math.floor(serverCount / 2) + 1, label: 'quorum' };
  dashboard.addWidgets(
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
