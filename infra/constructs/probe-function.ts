/**
 * The probe for every ensemble in one VPC. Its security group allows egress only to the
 * ensembles' ZooKeeper ports (client, AdminServer, TLS), to DNS, and to DynamoDB through
 * the prefix list of the VPC's gateway endpoint: no NAT, no fixed cost. The stack changes
 * the VPC itself only where the config says "create": a DynamoDB gateway endpoint, and a
 * Secrets Manager interface endpoint (private DNS off) for a canary with digest credentials.
 */
import { Duration } from 'aws-cdk-lib';
import { GatewayVpcEndpointAwsService, type ISecurityGroup, type IVpc, Peer, Port, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { parseServerAddress } from '../../functions/contract/server-address.ts';
import { type EnsembleConfig, roundIntervalSeconds, type VpcConfig } from '../config/deployment-config.ts';
import { HandlerEnv, type ProbeTarget, ServiceNames } from '../../functions/contract/handler-environment.ts';
import { LAMBDA_NODE_MAJOR } from '../lambda-platform.ts';
import { importVpc } from './imported-vpc.ts';
import { LookoutFunction } from './lookout-function.ts';
import type { ResultsTable } from './results-table.ts';
import { reachSecretsManager } from './secrets-manager-endpoint.ts';

/** The host finds the child through import.meta.url, which a CommonJS bundle leaves empty: make it the bundle's own. */
export const PROBE_BUNDLE_URL = {
  define: { 'import.meta.url': '__zkBundleUrl' },
  banner: "const __zkBundleUrl = require('node:url').pathToFileURL(__filename).href;",
};
export const PROBE_ENTRY = 'functions/handlers/probe.ts';
/**
 * The zookeeper client process the probe starts (functions/adapters/zookeeper/zookeeper-host.ts)
 * from its bundle's folder: bundled next to index.js, CommonJS like it so that `zookeeper`
 * resolves from the layer through NODE_PATH.
 */
export const PROBE_CLIENT_PROCESS_ENTRY = 'functions/adapters/zookeeper/zookeeper-host-child.ts';
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

/** Where a function in this VPC may send DNS: the listed servers, else the VPC CIDR (the Amazon resolver at its base + 2, and DNS servers inside it). */
export function dnsEgress(scope: SecurityGroup, net: VpcConfig): void {
  for (const cidr of net.dnsServerCidrs ?? [net.cidr]) {
    scope.addEgressRule(Peer.ipv4(cidr), Port.udp(53), 'DNS');
    scope.addEgressRule(Peer.ipv4(cidr), Port.tcp(53), 'DNS over TCP (large answers)');
  }
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
    if (net.dynamoDbEndpoint === 'create') {
      this.vpc.addGatewayEndpoint('DynamoDbEndpoint', { service: GatewayVpcEndpointAwsService.DYNAMODB, subnets: [subnets] });
    }

    this.securityGroup = net.securityGroupId
      ? SecurityGroup.fromSecurityGroupId(this, 'SecurityGroup', net.securityGroupId, { mutable: false })
      : this.createSecurityGroup(props);

    const digestSecrets = props.ensembles.flatMap((e) => (e.canary.enabled && e.canary.digestSecretArn ? [e.canary.digestSecretArn] : []));
    const secretsEnvironment =
      digestSecrets.length > 0 && net.secretsManagerEndpoint
        ? reachSecretsManager(this, 'SecretsManagerEndpoint', { choice: net.secretsManagerEndpoint, vpc: this.vpc, subnets, client: this.securityGroup, what: 'zk-lookout probe reads canary credentials' })
        : {};

    // The shortest schedule interval of these ensembles: an event that waited longer has a newer slot behind it.
    const interval = Duration.minutes(Math.min(...props.ensembles.map((e) => e.scheduleRate)));
    this.lookout = new LookoutFunction(this, 'Probe', {
      entry: PROBE_ENTRY,
      serviceName: ServiceNames.Probe,
      // Fixed length: Lambda allows 256 characters, and the ensembles are in the schedules.
      description: `zk-lookout ${props.stage}: probe the ${props.ensembles.length} ZooKeeper ensemble(s) in ${net.vpcId}`,
      stage: props.stage,
      logRetention: props.logRetention,
      timeout: probeTimeout(props.ensembles),
      externalModules: ['zookeeper'],
      bundling: {
        ...PROBE_BUNDLE_URL,
        afterBundling: (inputDir, outputDir) => [
          `"${inputDir}/node_modules/.bin/esbuild" "${inputDir}/${PROBE_CLIENT_PROCESS_ENTRY}" --bundle --platform=node --format=cjs --target=node${LAMBDA_NODE_MAJOR} --sourcemap --external:zookeeper --log-level=warning --outfile="${outputDir}/zookeeper-host-child.js"`,
        ],
      },
      layers: [props.layer],
      network: { vpc: this.vpc, subnets, securityGroups: [this.securityGroup] },
      // A failed round is not retried: the next scheduled round is as good, and a late write would land hours after its slot.
      asyncInvoke: { retryAttempts: 0, maxEventAge: interval },
      environment: {
        [HandlerEnv.ResultsTable]: props.resultsTable.table.tableName,
        [HandlerEnv.RoundTtlDays]: String(props.roundTtlDays),
        ...secretsEnvironment,
      },
    });
    props.resultsTable.grantWriteRounds(this.lookout.function);
    digestSecrets.forEach((arn, i) => Secret.fromSecretCompleteArn(this, `CanaryDigest${i}`, arn).grantRead(this.lookout.function));
  }

  private createSecurityGroup(props: ProbeFunctionProps): SecurityGroup {
    const group = new SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: `zk-lookout ${props.stage} probe: egress to ZooKeeper, DNS, DynamoDB and Secrets Manager only`,
      allowAllOutbound: false,
    });
    const rules = new Map(props.ensembles.flatMap((e) => [...zookeeperEgress(e)]));
    for (const { cidr, port, what } of rules.values()) group.addEgressRule(Peer.ipv4(cidr), Port.tcp(port), what);
    group.addEgressRule(Peer.prefixList(props.vpc.dynamoDbPrefixListId), Port.tcp(443), 'DynamoDB through the gateway endpoint');
    // Server host names, and the endpoints' own names, resolve through the VPC's DNS.
    dnsEgress(group, props.vpc);
    return group;
  }
}
