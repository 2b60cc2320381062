/**
 * The chat relay: subscribed to the alerts topic, it renders each AlertMessage for the
 * configured chat channels. Its subscription takes only messages with a `severity`
 * attribute (the evaluator's); the watchdog's CloudWatch alarm notifications go to email
 * and AWS Chatbot, which render them natively. Webhook URLs and signing keys stay in
 * Secrets Manager under `zk-lookout/<stage>/`, the channel list in SSM (it grows with
 * the config, Lambda's environment does not); the relay can read exactly the configured
 * channels' secrets (`-??????` is the random suffix Secrets Manager appends to a name).
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SubscriptionFilter, type ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ChannelConfig } from '../../functions/contract/chat-channels.ts';
import { DeploymentListPaths, HandlerEnv, ServiceNames } from '../../functions/contract/handler-environment.ts';
import { DeploymentListParameters } from './deployment-list-parameters.ts';
import { LookoutFunction } from './lookout-function.ts';
import type { ResultsTable } from './results-table.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';

export const CHAT_RELAY_ENTRY = 'functions/handlers/chat-relay.ts';

export interface ChatRelayProps {
  readonly stage: string;
  readonly topic: ITopic;
  readonly channels: readonly ChannelConfig[];
  readonly logRetention: RetentionDays;
  /** Holds the delivery ledger, so a retried SNS message is posted only to the channels that failed. */
  readonly resultsTable: ResultsTable;
}

export class ChatRelay extends Construct {
  readonly lookout: LookoutFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: ChatRelayProps) {
    super(scope, id);
    // SNS redrive and failed asynchronous invocations both land here (SSE-SQS: SNS can write to it).
    this.deadLetterQueue = deadLetterQueue(this, 'the chat relay (SNS redrive and failed invocations)');
    this.lookout = new LookoutFunction(this, 'Relay', {
      entry: CHAT_RELAY_ENTRY,
      serviceName: ServiceNames.ChatRelay,
      description: `zk-lookout ${props.stage}: post alerts to chat`,
      stage: props.stage,
      logRetention: props.logRetention,
      // Providers' 429 retry_after waits happen inside one invocation.
      timeout: Duration.seconds(60),
      deadLetterQueue: this.deadLetterQueue,
      environment: { [HandlerEnv.ResultsTable]: props.resultsTable.table.tableName },
    });
    // The channel list grows with the config: SSM, not the 4 KB environment.
    new DeploymentListParameters(this, 'Channels', {
      path: DeploymentListPaths.chatChannels(props.stage),
      entries: props.channels,
      describeEntry: (i) => `chatChannels[${i}]`,
      description: 'zk-lookout: chat channels of the relay (no secrets: URLs and keys are in Secrets Manager)',
    }).grantRead(this.lookout.function);
    props.resultsTable.grantDeliveryLedger(this.lookout.function);
    this.lookout.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [...new Set(props.channels.map((c) => c.secretId))].map((name) =>
          Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${name}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        ),
      }),
    );
    props.topic.addSubscription(
      new LambdaSubscription(this.lookout.function, {
        deadLetterQueue: this.deadLetterQueue,
        filterPolicy: { severity: SubscriptionFilter.existsFilter() },
      }),
    );
  }
}
