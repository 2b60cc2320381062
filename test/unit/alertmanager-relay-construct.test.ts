import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { AlertmanagerRelay, type AlertmanagerRelayProps } from '../../infra/constructs/alertmanager-relay.ts';

function synth(props: Partial<AlertmanagerRelayProps> & { inVpc?: boolean; withSecret?: boolean } = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  const { inVpc, withSecret, ...rest } = props;
  new AlertmanagerRelay(stack, 'Alertmanager', {
    stage: 'prod',
    topic: new Topic(stack, 'Alerts'),
    url: 'http://alertmanager.internal:9093',
    logRetention: RetentionDays.ONE_MONTH,
    ...(inVpc ? { vpc: new Vpc(stack, 'Vpc') } : {}),
    ...(withSecret ? { secret: Secret.fromSecretNameV2(stack, 'Creds', 'zk-lookout/prod/alertmanager') } : {}),
    ...rest,
  });
  return Template.fromStack(stack);
}

describe('AlertmanagerRelay', () => {
  it('subscribes a function to the topic for messages with a severity, with the URL and horizon in its environment', () => {
    const template = synth();
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', FilterPolicy: { severity: [{ exists: true }] } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ALERTMANAGER_URL: 'http://alertmanager.internal:9093', ALERTMANAGER_ENDS_AFTER_SECONDS: '16200' }) },
    });
  });

  // Issue 14 faults 7 and 8: DNS egress is new, and with a secret the relay must be told how its VPC reaches Secrets Manager.
  it('in a VPC, its security group lets it reach only the Alertmanager port, DNS and, with a secret, the VPC\'s Secrets Manager endpoint', () => {
    const template = synth({ inVpc: true, withSecret: true, secretsManagerEndpoint: 'existing' });
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.anyValue(), Environment: { Variables: Match.objectLike({ ALERTMANAGER_SECRET_ID: Match.anyValue() }) } });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [
        Match.objectLike({ FromPort: 9093, ToPort: 9093, IpProtocol: 'tcp' }),
        Match.objectLike({ FromPort: 53, ToPort: 53, IpProtocol: 'udp' }),
        Match.objectLike({ FromPort: 53, ToPort: 53, IpProtocol: 'tcp' }),
        Match.objectLike({ FromPort: 443, ToPort: 443 }),
      ],
    });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] })]) },
    });
  });

  it('fails at synth in a VPC with a secret but no way to Secrets Manager', () => {
    expect(() => synth({ inVpc: true, withSecret: true })).toThrow(/needs secretsManagerEndpoint \("existing" or "create"\)/);
  });

  it.each([
    ['not a URL', /absolute http\(s\) URL, got "not a URL"/],
    ['ftp://am:21', /http or https, got "ftp:"/],
    ['http://user:pw@am:9093', /must not carry credentials/],
  ])('fails at synth for url %s', (url, error) => {
    expect(() => synth({ url })).toThrow(error);
  });

  it('fails at synth for a horizon under a minute', () => {
    expect(() => synth({ endsAfter: Duration.seconds(30) })).toThrow(/endsAfter must be at least 1 minute, got 30 seconds/);
  });
});
