/**
 * The Alertmanager relay: subscribed to the alerts topic, it posts each AlertMessage to
 * Alertmanager's API v2. Alertmanager usually lives in a private network, so the function
 * can run inside a VPC (its own security group allows egress only to Alertmanager's port,
 * DNS, and, when credentials are used, Secrets Manager the way the config chose: the
 * VPC's existing interface endpoint or one the stack creates, see
 * secrets-manager-endpoint.ts). Like the chat relay it takes only messages with a
 * `severity` attribute, and failures go to a dead-letter queue.
 */
import { Duration, Token } from 'aws-cdk-lib';
import { Peer, Port, SecurityGroup, type ISecurityGroup, type IVpc, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { ENDPOINT_CHOICES } from '../config/deployment-config.ts';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { SubscriptionFilter, type ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlertmanagerRelayEnv, DEFAULT_RELAY_ENDS_AFTER_SECONDS } from '../../functions/contract/relay-environment.ts';
import { ServiceNames } from '../../functions/contract/handler-environment.ts';
import { LookoutFunction } from './lookout-function.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { reachSecretsManager } from './secrets-manager-endpoint.ts';

export const ALERTMANAGER_RELAY_ENTRY = 'functions/handlers/alertmanager-relay.ts';

export interface AlertmanagerRelayProps {
  readonly stage: string;
  readonly topic: ITopic;
  /** Alertmanager's base URL, e.g. `http://alertmanager.internal:9093` (not secret). */
  readonly url: string;
  /** `{ "username", "password" }` or `{ "bearerToken" }`. @default no authentication */
  readonly secret?: ISecret;
  /** Run the relay in this VPC (for a private Alertmanager). @default outside any VPC */
  readonly vpc?: IVpc;
  /** @default the VPC's private subnets */
  readonly subnets?: SubnetSelection;
  /** @default a new group with egress only to Alertmanager's port, DNS, and Secrets Manager with `secret` */
  readonly securityGroups?: ISecurityGroup[];
  /**
   * With `vpc` and `secret`: reuse the VPC's Secrets Manager endpoint or create one
   * (secrets-manager-endpoint.ts). Required then: without it `GetSecretValue` has no way out.
   */
  readonly secretsManagerEndpoint?: (typeof ENDPOINT_CHOICES)[number];
  /** Where the relay may send DNS. @default the VPC CIDR */
  readonly dnsServerCidrs?: readonly string[];
  /**
   * How long Alertmanager keeps a firing alert without a newer message. The relay sees
   * only changes and reminders, so this must exceed the thresholds' `repeatEvery`.
   * @default 4 h 30 min (the default `repeatEvery` of 4 h plus a margin)
   */
  readonly endsAfter?: Duration;
  readonly logRetention: RetentionDays;
}

export class AlertmanagerRelay extends Construct {
  readonly lookout: LookoutFunction;
  readonly deadLetterQueue: Queue;
  readonly securityGroups?: ISecurityGroup[];

  constructor(scope: Construct, id: string, props: AlertmanagerRelayProps) {
    super(scope, id);
    const port = alertmanagerPort(props.url);
    const endsAfter = props.endsAfter ?? Duration.seconds(DEFAULT_RELAY_ENDS_AFTER_SECONDS);
    if (!endsAfter.isUnresolved() && endsAfter.toSeconds() < 60) throw new Error(`AlertmanagerRelay ${id}: endsAfter must be at least 1 minute, got ${endsAfter.toHumanString()}`);

    this.deadLetterQueue = deadLetterQueue(this, 'the Alertmanager relay (SNS redrive and failed invocations)');
    let secretsEnvironment: Record<string, string> = {};
    if (props.vpc) {
      const own = props.securityGroups ? undefined : this.egressOnlyGroup(props.vpc, port, props.dnsServerCidrs ?? [props.vpc.vpcCidrBlock]);
      this.securityGroups = props.securityGroups ?? [own!];
      if (props.secret) {
        if (!props.secretsManagerEndpoint) {
          throw new Error(`AlertmanagerRelay ${id}: a relay in a VPC that reads a secret needs secretsManagerEndpoint ("existing" or "create"), or it cannot reach Secrets Manager`);
        }
        secretsEnvironment = reachSecretsManager(this, 'SecretsManagerEndpoint', {
          choice: props.secretsManagerEndpoint,
          vpc: props.vpc,
          subnets: props.subnets ?? {},
          client: this.securityGroups[0]!,
          what: 'zk-lookout Alertmanager relay reads its credentials',
        });
      }
    }
    this.lookout = new LookoutFunction(this, 'Relay', {
      entry: ALERTMANAGER_RELAY_ENTRY,
      serviceName: ServiceNames.AlertmanagerRelay,
      description: `zk-lookout ${props.stage}: post alerts to Alertmanager`,
      stage: props.stage,
      logRetention: props.logRetention,
      timeout: Duration.seconds(60),
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        [AlertmanagerRelayEnv.Url]: props.url,
        [AlertmanagerRelayEnv.EndsAfterSeconds]: String(endsAfter.toSeconds()),
        ...(props.secret ? { [AlertmanagerRelayEnv.SecretId]: props.secret.secretArn } : {}),
        ...secretsEnvironment,
      },
      ...(props.vpc && this.securityGroups ? { network: { vpc: props.vpc, subnets: props.subnets ?? {}, securityGroups: this.securityGroups } } : {}),
    });
    props.secret?.grantRead(this.lookout.function);
    props.topic.addSubscription(
      new LambdaSubscription(this.lookout.function, { deadLetterQueue: this.deadLetterQueue, filterPolicy: { severity: SubscriptionFilter.existsFilter() } }),
    );
  }

  private egressOnlyGroup(vpc: IVpc, port: number, dnsServerCidrs: readonly string[]): SecurityGroup {
    const group = new SecurityGroup(this, 'SecurityGroup', { vpc, allowAllOutbound: false, description: 'zk-lookout Alertmanager relay: egress to Alertmanager, DNS and Secrets Manager only' });
    group.addEgressRule(Peer.ipv4(vpc.vpcCidrBlock), Port.tcp(port), 'Alertmanager API');
    // Alertmanager's host name (and an endpoint's) resolves through the VPC's DNS.
    for (const cidr of dnsServerCidrs) {
      group.addEgressRule(Peer.ipv4(cidr), Port.udp(53), 'DNS');
      group.addEgressRule(Peer.ipv4(cidr), Port.tcp(53), 'DNS over TCP (large answers)');
    }
    return group;
  }
}

/** Alertmanager's port from its URL; fails at synth with the URL's problem. */
function alertmanagerPort(url: string): number {
  if (Token.isUnresolved(url)) throw new Error('AlertmanagerRelay: url must be a literal URL (it sets the security group port)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`AlertmanagerRelay: url must be an absolute http(s) URL, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`AlertmanagerRelay: url must be http or https, got "${parsed.protocol}"`);
  if (parsed.username || parsed.password) throw new Error('AlertmanagerRelay: url must not carry credentials; put them in the secret');
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
}
