/**
 * The one alerts topic: encrypted with a customer-managed key (CloudWatch alarm actions
 * cannot publish to a topic under the AWS-managed SNS key), SSL enforced, and one email
 * subscription per address with a filter on the `severity` attribute.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Severity } from '../../functions/core/deliver/alert-message.ts';

export interface AlertsTopicProps {
  readonly stage: string;
  readonly emailSubscriptions: readonly { address: string; severities: readonly Severity[] }[];
}

/**
 * The listed severities, or no `severity` attribute at all: the watchdog's CloudWatch
 * alarm notifications carry none, and they must reach every address.
 */
export function severityFilter(severities: readonly Severity[]): SubscriptionFilter {
  return new SubscriptionFilter([...severities, { exists: false }]);
}

export class AlertsTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertsTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: `zk-lookout ${props.stage}: alerts topic encryption`,
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheAlertsTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // In a key policy `*` means this key.
        resources: ['*'],
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: `zk-lookout ${props.stage}`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );

    for (const { address, severities } of props.emailSubscriptions) {
      this.topic.addSubscription(new EmailSubscription(address, { filterPolicy: { severity: severityFilter(severities) } }));
    }
  }
}
