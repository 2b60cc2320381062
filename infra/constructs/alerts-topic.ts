/**
 * Two topics under one customer-managed key (CloudWatch alarm actions cannot publish to a
 * topic under the AWS-managed SNS key), SSL enforced:
 * - the alerts topic carries the evaluator's AlertMessages, each with a `severity`
 *   attribute, and each email address subscribes to it with a filter on its severities;
 * - the operations topic carries the watchdog's CloudWatch alarm notifications. Those
 *   carry no message attributes, and SNS matches an attribute filter policy only against
 *   a message that has at least one, so no filter could both select severities and let
 *   them through: every address subscribes to this topic without a filter.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Severity } from '../../functions/contract/alert-message.ts';

export interface AlertsTopicProps {
  readonly stage: string;
  readonly emailSubscriptions: readonly { address: string; severities: readonly Severity[] }[];
}

/** The listed severities of the evaluator's messages (every one of them carries `severity`). */
export function severityFilter(severities: readonly Severity[]): SubscriptionFilter {
  return SubscriptionFilter.stringFilter({ allowlist: [...severities] });
}

export class AlertsTopic extends Construct {
  readonly topic: Topic;
  /** The watchdog's alarms: attribute-less CloudWatch notifications, unfiltered to every address. */
  readonly operationsTopic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertsTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Only this account's alarms, in this region: the confused-deputy guard SNS and KMS document for service principals.
    const fromThisAccountsAlarms = {
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      StringEquals: { 'aws:SourceAccount': stack.account },
    };
    this.key = new Key(this, 'Key', {
      description: `zk-lookout ${props.stage}: alerts and operations topics encryption`,
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheOperationsTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // In a key policy `*` means this key.
        resources: ['*'],
        conditions: fromThisAccountsAlarms,
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: `zk-lookout ${props.stage}`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.operationsTopic = new Topic(this, 'OperationsTopic', {
      displayName: `zk-lookout ${props.stage} operations`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.operationsTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.operationsTopic.topicArn],
        conditions: fromThisAccountsAlarms,
      }),
    );

    for (const { address, severities } of props.emailSubscriptions) {
      this.topic.addSubscription(new EmailSubscription(address, { filterPolicy: { severity: severityFilter(severities) } }));
      this.operationsTopic.addSubscription(new EmailSubscription(address));
    }
  }
}
