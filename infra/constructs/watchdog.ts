/**
 * Who watches the watcher: CloudWatch alarms on the checker's own failures (function
 * errors and throttles, messages waiting in a dead-letter queue, Scheduler target errors
 * and dropped invocations), each notifying the operations topic: their notifications carry
 * no message attributes, so they go where no filter policy stands in their way.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const PERIOD = Duration.minutes(5);

export interface WatchdogProps {
  readonly topic: ITopic;
  /** Every alarm name starts with it, e.g. `zk-lookout-prod-`. */
  readonly alarmNamePrefix: string;
}

export class Watchdog extends Construct {
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WatchdogProps,
  ) {
    super(scope, id);
    this.action = new SnsAction(props.topic);
  }

  watchFunction(label: string, fn: IFunction): void {
    this.alarm(`${label}-errors`, fn.metricErrors({ period: PERIOD }), `${label} failed at least once in 5 minutes`);
    this.alarm(`${label}-throttles`, fn.metricThrottles({ period: PERIOD }), `${label} was throttled at least once in 5 minutes`);
  }

  watchDeadLetters(label: string, queue: IQueue): void {
    this.alarm(`${label}-dead-letters`, queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }), `${label}: messages are waiting in its dead-letter queue`);
  }

  watchSchedules(label: string, group: IScheduleGroup): void {
    this.alarm(`${label}-target-errors`, group.metricTargetErrors({ period: PERIOD, statistic: 'Sum' }), `${label}: Scheduler could not invoke a target`);
    this.alarm(`${label}-dropped`, group.metricDropped({ period: PERIOD, statistic: 'Sum' }), `${label}: Scheduler dropped invocations after its retries`);
  }

  private alarm(name: string, metric: IMetric, description: string): void {
    const alarm = new Alarm(this, name, {
      alarmName: `${this.props.alarmNamePrefix}${name}`,
      alarmDescription: description,
      metric,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // No data means nothing failed (the metrics exist only when something happens).
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}
