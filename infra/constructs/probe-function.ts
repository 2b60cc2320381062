/**
 * The probe for every ensemble in one VPC. Its security group allows egress only to the
 * ensembles' ZooKeeper ports (client, AdminServer, TLS) and to DynamoDB through the
 * gateway endpoint's prefix list: no NAT, no interface endpoint, no fixed cost. The one
 * exception is opt-in: a canary with digest credentials reads them from Secrets Manager,
 * which needs an interface endpoint in the VPC.
 */
import { Duration } from 'aws-cdk-lib';
import {
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpoint,
  InterfaceVpcEndpointAwsService,
  type ISecurityGroup,
  type IVpc,
  Peer,
  Port,
  SecurityGroup,
} from 'aws-cdk-lib/aws-ec2';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { parseServerAddress } from '../../functions/core/probe/server-address.ts';
import { type EnsembleConfig, roundIntervalSeconds, type VpcConfig } from '../config/deployment-config.ts';
import { HandlerEnv, type ProbeTarget, ServiceNames } from '../handler-environment.ts';
import { importVpc } from './imported-vpc.ts';
import { LookoutFunction } from './lookout-function.ts';
import type { ResultsTable } from './results-table.ts';

export const PROBE_ENTRY = 'functions/probe/handler.ts';
/** A single-round invocation: the per-server deadline and the canary, with room to spare. */
const SINGLE_ROUND_TIMEOUT = Duration.seconds(30);
const LAMBDA_MAX_TIMEOUT_S = 900;

export interface ProbeFunctionProps {
  readonly stage: string;
  readonly vpc: VpcConfig;
  /** The ensembles in this VPC. */
  readonly ensembles: readonly EnsembleConfig[];
  readonly layer: ILayerVersion;
  readonly resultsTable: ResultsTable;
  readonly roundTtlDays: number;
  readonly logRetention: RetentionDays;
}

/** What the schedule hands the probe for one ensemble. */
export function probeTarget(ensemble: EnsembleConfig): ProbeTarget {
  const defaults = { port: ensemble.clientPort, ...(ensemble.adminPort === undefined ? {} : { adminPort: ensemble.adminPort }) };
  return {
    name: ensemble.name,
    servers: ensemble.servers.map((text) => parseServerAddress(text, defaults)),
    ...(ensemble.securePort === undefined ? {} : { securePort: ensemble.securePort }),
    ...(ensemble.canary.enabled
      ? {
          canary: {
            root: ensemble.canary.root,
            ...(ensemble.canary.digestSecretArn ? { digestSecretId: ensemble.canary.digestSecretArn } : {}),
            ...(ensemble.znodeRules.length > 0 ? { znodeRules: ensemble.znodeRules } : {}),
          },
        }
      : {}),
    roundsPerInvocation: ensemble.roundsPerInvocation,
    intervalSeconds: ensemble.scheduleRate * 60,
  };
}

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;

/**
 * Where the probe may connect for one ensemble: `serverCidrs` when given, else each server
 * IP as /32, else (a server given by name) the VPC CIDR. Keys are `cidr|port`.
 */
export function zookeeperEgress(ensemble: EnsembleConfig): Map<string, { cidr: string; port: number; what: string }> {
  const target = probeTarget(ensemble);
  const hosts = target.servers.map((s) => s.host);
  const cidrs = ensemble.serverCidrs ?? (hosts.every((h) => IPV4.test(h)) ? [...new Set(hosts)].map((h) => `${h}/32`) : [ensemble.vpc.cidr]);
  const ports = new Map<number, string>();
  for (const server of target.servers) ports.set(server.port, 'client');
  if (ensemble.adminPort !== undefined) ports.set(ensemble.adminPort, 'AdminServer');
  if (ensemble.securePort !== undefined) ports.set(ensemble.securePort, 'TLS client');
  const rules = new Map<string, { cidr: string; port: number; what: string }>();
  for (const cidr of cidrs) {
    for (const [port, what] of ports) rules.set(`${cidr}|${port}`, { cidr, port, what: `ZooKeeper ${what} port of ${ensemble.name}` });
  }
  return rules;
}

function probeTimeout(ensembles: readonly EnsembleConfig[]): Duration {
  const seconds = ensembles.map((e) =>
    // Several rounds spread over one interval, then the last round's own deadline.
    e.roundsPerInvocation === 1 ? SINGLE_ROUND_TIMEOUT.toSeconds() : Math.min(LAMBDA_MAX_TIMEOUT_S, roundIntervalSeconds(e) * (e.roundsPerInvocation - 1) + SINGLE_ROUND_TIMEOUT.toSeconds()),
  );
  return Duration.seconds(Math.max(...seconds));
}

export class ProbeFunction extends Construct {
  readonly lookout: LookoutFunction;
  readonly vpc: IVpc;
  readonly securityGroup: ISecurityGroup;

  constructor(scope: Construct, id: string, props: ProbeFunctionProps) {
    super(scope, id);
    const { vpc: net } = props;
    this.vpc = importVpc(this, 'Vpc', net);
    const subnets = { subnets: this.vpc.privateSubnets };
    if (net.createDynamoDbEndpoint) {
      this.vpc.addGatewayEndpoint('DynamoDbEndpoint', { service: GatewayVpcEndpointAwsService.DYNAMODB, subnets: [subnets] });
    }

    this.securityGroup = net.securityGroupId
      ? SecurityGroup.fromSecurityGroupId(this, 'SecurityGroup', net.securityGroupId, { mutable: false })
      : this.createSecurityGroup(props);

    this.lookout = new LookoutFunction(this, 'Probe', {
      entry: PROBE_ENTRY,
      serviceName: ServiceNames.Probe,
      description: `zk-lookout ${props.stage}: probe ${props.ensembles.map((e) => e.name).join(', ')}`,
      stage: props.stage,
      logRetention: props.logRetention,
      timeout: probeTimeout(props.ensembles),
      externalModules: ['zookeeper'],
      layers: [props.layer],
      network: { vpc: this.vpc, subnets, securityGroups: [this.securityGroup] },
      environment: {
        [HandlerEnv.ResultsTable]: props.resultsTable.table.tableName,
        [HandlerEnv.RoundTtlDays]: String(props.roundTtlDays),
      },
    });
    props.resultsTable.grantWriteRounds(this.lookout.function);

    const digestSecrets = props.ensembles.flatMap((e) => (e.canary.digestSecretArn ? [e.canary.digestSecretArn] : []));
    if (digestSecrets.length > 0) this.reachSecretsManager(digestSecrets, subnets);
  }

  private createSecurityGroup(props: ProbeFunctionProps): SecurityGroup {
    const group = new SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: `zk-lookout ${props.stage} probe: egress to ZooKeeper and DynamoDB only`,
      allowAllOutbound: false,
    });
    const rules = new Map(props.ensembles.flatMap((e) => [...zookeeperEgress(e)]));
    for (const { cidr, port, what } of rules.values()) group.addEgressRule(Peer.ipv4(cidr), Port.tcp(port), what);
    group.addEgressRule(Peer.prefixList(props.vpc.dynamoDbPrefixListId), Port.tcp(443), 'DynamoDB through the gateway endpoint');
    return group;
  }

  private reachSecretsManager(secretArns: string[], subnets: { subnets: IVpc['privateSubnets'] }): void {
    const endpoint = new InterfaceVpcEndpoint(this, 'SecretsManagerEndpoint', {
      vpc: this.vpc,
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets,
      privateDnsEnabled: true,
      open: false,
    });
    endpoint.connections.allowFrom(this.securityGroup, Port.tcp(443), 'zk-lookout probe reads canary credentials');
    secretArns.forEach((arn, i) => Secret.fromSecretCompleteArn(this, `CanaryDigest${i}`, arn).grantRead(this.lookout.function));
  }
}
