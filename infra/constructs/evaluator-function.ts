/**
 * The evaluator (outside the VPC) fed by the table's stream, and the sweep that notices
 * ensembles whose rounds stopped arriving. Only inserts of round items reach the
 * evaluator (state writes would otherwise wake it for nothing); a failing record is
 * bisected out, retried a little, then parked in the dead-letter queue.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DeploymentListPaths, HandlerEnv, ROUND_ITEM_TYPE, ServiceNames, type SweepEnsemble } from '../../functions/contract/handler-environment.ts';
import { DeploymentListParameters } from './deployment-list-parameters.ts';
import { LookoutFunction } from './lookout-function.ts';
import type { ProbeSchedules } from './probe-schedule.ts';
import type { ResultsTable } from './results-table.ts';
import type { SettingsParameters } from './settings-parameters.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';

export const EVALUATOR_ENTRY = 'functions/handlers/evaluate.ts';
export const SWEEP_ENTRY = 'functions/handlers/sweep.ts';
export const SWEEP_RATE_MINUTES = 5;
export const STREAM_RETRY_ATTEMPTS = 2;

/** The stream filter: new round items only. */
export const ROUND_INSERT_FILTER = FilterCriteria.filter({
  eventName: FilterRule.isEqual('INSERT'),
  dynamodb: { NewImage: { type: { S: FilterRule.isEqual(ROUND_ITEM_TYPE) } } },
});

export interface EvaluatorFunctionProps {
  readonly stage: string;
  readonly resultsTable: ResultsTable;
  readonly alertsTopic: ITopic;
  readonly settings: SettingsParameters;
  readonly schedules: ProbeSchedules;
  readonly ensembles: readonly SweepEnsemble[];
  readonly dashboardUrl: string;
  readonly logRetention: RetentionDays;
}

export class EvaluatorFunction extends Construct {
  readonly evaluator: LookoutFunction;
  readonly sweep: LookoutFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: EvaluatorFunctionProps) {
    super(scope, id);
    const environment = {
      [HandlerEnv.ResultsTable]: props.resultsTable.table.tableName,
      [HandlerEnv.AlertsTopicArn]: props.alertsTopic.topicArn,
      [HandlerEnv.DashboardUrl]: props.dashboardUrl,
    };
    const common = { stage: props.stage, logRetention: props.logRetention };

    this.evaluator = new LookoutFunction(this, 'Evaluator', {
      ...common,
      entry: EVALUATOR_ENTRY,
      serviceName: ServiceNames.Evaluator,
      description: `zk-lookout ${props.stage}: evaluate probe rounds from the table stream`,
      environment,
    });
    this.sweep = new LookoutFunction(this, 'Sweep', {
      ...common,
      entry: SWEEP_ENTRY,
      serviceName: ServiceNames.Sweep,
      description: `zk-lookout ${props.stage}: raise probe-stale for ensembles without recent rounds`,
      environment,
    });
    // The ensemble list grows with the config: SSM, not the 4 KB environment.
    new DeploymentListParameters(this, 'SweepEnsembles', {
      path: DeploymentListPaths.sweepEnsembles(props.stage),
      entries: props.ensembles,
      describeEntry: (i) => `ensembles[${i}]`,
      description: 'zk-lookout: ensembles the sweep expects rounds from, with their schedule interval',
    }).grantRead(this.sweep.function);
    for (const { function: fn } of [this.evaluator, this.sweep]) {
      props.resultsTable.grantReadState(fn);
      props.resultsTable.grantWriteState(fn);
      props.alertsTopic.grantPublish(fn);
      props.settings.grantRead(fn);
    }

    this.deadLetterQueue = deadLetterQueue(this, 'the stream event source (its on-failure destination)');
    Validations.of(this.evaluator.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams, added by the DynamoDB event source, supports no resource-level permission; the stream actions are scoped to the table stream.',
    });
    for (const { role } of [this.evaluator, this.sweep]) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: 'Publishing to the KMS-encrypted alerts topic needs kms:GenerateDataKey* (SNS documentation), granted on the alerts key only.',
      });
    }
    this.evaluator.function.addEventSource(
      new DynamoEventSource(props.resultsTable.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 10,
        filters: [ROUND_INSERT_FILTER],
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: STREAM_RETRY_ATTEMPTS,
        // An old round is history, not news: the sweep covers the gap.
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );
    props.schedules.addSweep(this.sweep.function, SWEEP_RATE_MINUTES);
  }
}
