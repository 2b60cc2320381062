/**
 * The stack's dashboard: the functions' own AWS/Lambda metrics (free), then a row per
 * ensemble with what an operator checks first (leader count, servers serving, warning
 * probability, probe and canary latency).
 *
 * By default a row is drawn with CloudWatch Logs Insights widgets over the one INFO line
 * each probe and evaluator invocation writes (functions/handlers/probe.ts,
 * functions/handlers/evaluate.ts): nothing is billed per ensemble, and a query costs only
 * when the dashboard is looked at ($0.005 per GB scanned; a widget scans its log group
 * over the time range shown). With `perEnsembleMetrics` the handlers also emit the EMF
 * metrics (5 custom metrics, $0.30 each per ensemble-month) and the row is drawn from them.
 *
 * CloudWatch allows 500 widgets on one dashboard, and a row is 4, so past
 * `ENSEMBLES_PER_DASHBOARD` ensembles the rows continue on further pages (`<name>-2`,
 * `<name>-3`, …), which the first one links to.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type HorizontalAnnotation, type IWidget, LogQueryVisualizationType, LogQueryWidget, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENSEMBLE_DIMENSION, type MetricName, METRICS_NAMESPACE, MetricNames, MetricSources, ProbeLogFields, EvaluatorLogFields, SERVICE_DIMENSION } from '../../functions/contract/handler-environment.ts';

/** CloudWatch's limit on widgets per dashboard. */
export const MAX_WIDGETS_PER_DASHBOARD = 500;
export const WIDGETS_PER_ENSEMBLE = 4;
/** The first page's row of the functions' AWS/Lambda metrics. */
export const FUNCTION_WIDGETS = 3;
/** One widget of each page is its header, and the first page also has the functions' row. */
export const ENSEMBLES_PER_DASHBOARD = Math.floor((MAX_WIDGETS_PER_DASHBOARD - 1 - FUNCTION_WIDGETS) / WIDGETS_PER_ENSEMBLE);

export interface DashboardEnsemble {
  readonly name: string;
  readonly serverCount: number;
  /** The log group of the probe function that probes this ensemble. */
  readonly probeLogGroupName: string;
}

export interface LookoutDashboardProps {
  readonly stage: string;
  readonly ensembles: readonly DashboardEnsemble[];
  readonly evaluatorLogGroupName: string;
  /** The functions whose AWS/Lambda metrics head the first page, by label. */
  readonly functions: readonly { label: string; fn: IFunction }[];
  /** Draw the rows from the per-ensemble EMF metrics instead of Logs Insights. @default false */
  readonly perEnsembleMetrics?: boolean;
}

/** Dashboard names are account-wide, across regions: the region keeps a second region's stack apart. */
export function dashboardNameOf(stage: string): string {
  return `zk-lookout-${stage}-${Aws.REGION}`;
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
    this.dashboardName = dashboardNameOf(props.stage);
    const pages: (typeof props.ensembles)[] = [];
    for (let i = 0; i < props.ensembles.length; i += ENSEMBLES_PER_DASHBOARD) pages.push(props.ensembles.slice(i, i + ENSEMBLES_PER_DASHBOARD));
    const pageName = (n: number) => (n === 0 ? this.dashboardName : `${this.dashboardName}-${n + 1}`);
    const row = props.perEnsembleMetrics ? metricRow : (ensemble: DashboardEnsemble) => logsRow(ensemble, props.evaluatorLogGroupName);
    this.dashboards = pages.map((ensembles, n) => {
      const dashboard = new Dashboard(this, n === 0 ? 'Dashboard' : `Dashboard${n + 1}`, { dashboardName: pageName(n), defaultInterval: Duration.hours(3) });
      if (pages.length > 1) {
        const links = pages.map((page, m) => (m === n ? `**${m + 1}**` : `[${m + 1}](#dashboards/dashboard/${pageName(m)})`)).join(' · ');
        dashboard.addWidgets(new TextWidget({ markdown: `zk-lookout ${props.stage}, ensembles ${n * ENSEMBLES_PER_DASHBOARD + 1}–${n * ENSEMBLES_PER_DASHBOARD + ensembles.length} of ${props.ensembles.length}; pages: ${links}`, width: 24, height: 1 }));
      }
      if (n === 0) dashboard.addWidgets(...functionRow(props.functions));
      for (const ensemble of ensembles) dashboard.addWidgets(...row(ensemble));
      return dashboard;
    });
    this.dashboard = this.dashboards[0]!;
  }
}

/** AWS/Lambda's own metrics of every function: free, and what shows a checker that stopped. */
function functionRow(functions: LookoutDashboardProps['functions']): IWidget[] {
  const each = (metric: (fn: IFunction) => Metric) => functions.map(({ label, fn }) => metric(fn).with({ label, period: Duration.minutes(5) }));
  const row = [
    new GraphWidget({ title: 'functions: invocations', width: 8, left: each((fn) => fn.metricInvocations({ statistic: 'Sum' })) }),
    new GraphWidget({ title: 'functions: errors', width: 8, left: each((fn) => fn.metricErrors({ statistic: 'Sum' })) }),
    new GraphWidget({ title: 'functions: duration p90 (ms)', width: 8, left: each((fn) => fn.metricDuration({ statistic: 'p90' })) }),
  ];
  if (row.length !== FUNCTION_WIDGETS) throw new Error('dashboard: FUNCTION_WIDGETS is out of date');
  return row;
}

function quorumOf(serverCount: number): HorizontalAnnotation {
  return { value: Math.floor(serverCount / 2) + 1, label: 'quorum' };
}

/** A Logs Insights time series of one ensemble's lines in one log group. */
function logsWidget(title: string, logGroupName: string, ensemble: string, present: string, stats: string): LogQueryWidget {
  return new LogQueryWidget({
    title,
    width: 8,
    logGroupNames: [logGroupName],
    view: LogQueryVisualizationType.LINE,
    queryLines: [`filter ensemble = ${JSON.stringify(ensemble)} and ispresent(${present})`, `stats ${stats}`],
  });
}

function logsRow({ name, serverCount, probeLogGroupName }: DashboardEnsemble, evaluatorLogGroupName: string): IWidget[] {
  const p = ProbeLogFields;
  return [
    // A Logs Insights widget draws no annotation: the quorum is in the header.
    new TextWidget({ markdown: `### ${name} (${serverCount} servers, quorum ${quorumOf(serverCount).value})`, width: 24, height: 1 }),
    logsWidget(`${name}: leaders and serving servers`, probeLogGroupName, name, p.serving, `max(${p.leaders}) as leaders_max, min(${p.leaders}) as leaders_min, min(${p.serving}) as serving_min by bin(1m)`),
    logsWidget(`${name}: warning probability`, evaluatorLogGroupName, name, EvaluatorLogFields.probability, `max(${EvaluatorLogFields.probability}) as warning_probability by bin(1m)`),
    logsWidget(`${name}: probe and canary (ms)`, probeLogGroupName, name, p.durationMs, `pct(${p.durationMs}, 90) as probe_p90, pct(${p.canaryMs}, 90) as canary_p90 by bin(5m)`),
  ];
}

function metricRow({ name, serverCount }: DashboardEnsemble): IWidget[] {
  return [
    new TextWidget({ markdown: `### ${name}`, width: 24, height: 1 }),
    new GraphWidget({
      title: `${name}: leaders and serving servers`,
      width: 8,
      left: [ensembleMetric(name, MetricNames.LeaderCount, 'Maximum', 'leaders (max)'), ensembleMetric(name, MetricNames.LeaderCount, 'Minimum', 'leaders (min)')],
      right: [ensembleMetric(name, MetricNames.ServersServing, 'Minimum', 'serving (min)')],
      rightAnnotations: [quorumOf(serverCount)],
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
  ];
}
