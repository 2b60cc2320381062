import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Where undeliverable events wait for a person: SSE-SQS (SNS and Scheduler can write to it
 * without a key policy), SSL only, kept 14 days. cdk-nag asks every queue for a DLQ of its
 * own and only recognises a queue as a DLQ when another queue's redrive policy names it,
 * so `whatFor` says what it is the dead-letter queue of, and becomes the acknowledgement.
 */
export function deadLetterQueue(scope: Construct, whatFor: string): Queue {
  const queue = new Queue(scope, 'DeadLetters', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is the dead-letter queue of ${whatFor}; cdk-nag only recognises queues named in another queue's redrive policy.`,
  });
  return queue;
}
