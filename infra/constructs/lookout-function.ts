/**
 * The settings every zk-lookout function shares: one runtime and architecture, a bundled
 * handler (local esbuild, CommonJS so a layer module resolves through NODE_PATH as Lambda
 * documents), its own log group with retention, and its own role that can write only to
 * that log group. Callers add permissions through grants.
 */
import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type ILayerVersion, LoggingFormat } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HandlerEnv, METRICS_NAMESPACE } from '../../functions/contract/handler-environment.ts';
import { LAMBDA_ARCHITECTURE, LAMBDA_NODE_MAJOR, LAMBDA_RUNTIME } from '../lambda-platform.ts';
import { repoPath } from '../repo-path.ts';

export interface LookoutFunctionProps {
  /** Handler source, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly serviceName: string;
  readonly description: string;
  readonly stage: string;
  readonly logRetention: RetentionDays;
  readonly environment?: Record<string, string>;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Modules left out of the bundle because a layer provides them. @default none */
  readonly externalModules?: string[];
  readonly layers?: ILayerVersion[];
  readonly network?: { vpc: IVpc; subnets: SubnetSelection; securityGroups: ISecurityGroup[] };
  /**
   * What a bundle needs beyond its handler: esbuild defines and a banner, and commands run
   * after esbuild (given the repository and the output folder), e.g. to bundle a second
   * program next to index.js. @default none
   */
  readonly bundling?: Pick<BundlingOptions, 'define' | 'banner'> & { afterBundling?: (inputDir: string, outputDir: string) => string[] };
  /** Where failed asynchronous invocations go. */
  readonly deadLetterQueue?: IQueue;
  /** Lambda's retries of a failed asynchronous invocation, and how long an event may wait. @default Lambda's (2 retries, 6 hours) */
  readonly asyncInvoke?: { retryAttempts: number; maxEventAge: Duration };
}

export class LookoutFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: LookoutFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName} (${props.stage}): its log group and what the stack grants`,
    });
    this.logGroup.grantWrite(this.role);
    if (props.network) this.allowVpcAttachment(props.network);

    this.function = new NodejsFunction(this, 'Function', {
      entry: repoPath(props.entry),
      handler: 'handler',
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      description: props.description,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      layers: props.layers,
      vpc: props.network?.vpc,
      vpcSubnets: props.network?.subnets,
      securityGroups: props.network?.securityGroups,
      deadLetterQueue: props.deadLetterQueue,
      projectRoot: repoPath('.'),
      depsLockFilePath: repoPath('package-lock.json'),
      environment: {
        [HandlerEnv.Stage]: props.stage,
        [HandlerEnv.PowertoolsServiceName]: props.serviceName,
        [HandlerEnv.PowertoolsMetricsNamespace]: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.CJS,
        target: `node${LAMBDA_NODE_MAJOR}`,
        sourceMap: true,
        // Everything is bundled (the pinned SDK too) except what a layer provides.
        externalModules: props.externalModules ?? [],
        define: props.bundling?.define,
        banner: props.bundling?.banner,
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The bundle is CommonJS: say so, or a `"type": "module"` package.json above it
          // (this repository's, when the cloud assembly is loaded in tests) makes Node read it as ESM.
          afterBundling: (inputDir: string, outputDir: string) => [`echo '{"type":"commonjs"}' > "${outputDir}/package.json"`, ...(props.bundling?.afterBundling?.(inputDir, outputDir) ?? [])],
        },
      },
    });
    if (props.asyncInvoke) this.function.configureAsyncInvoke(props.asyncInvoke);
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        (props.layers ?? []).length > 0
          ? `${LAMBDA_RUNTIME.name} on purpose: the zookeeper addon layer is compiled for this Node major (infra/lambda-platform.ts); a newer runtime needs the layer rebuilt first.`
          : `${LAMBDA_RUNTIME.name} on purpose: every zk-lookout function runs the one Node major its bundles are smoke-tested under (infra/lambda-platform.ts, test/integration/asset-smoke.test.ts), the probe's; moving this one alone would ship a bundle no test ran.`,
    });
  }

  /**
   * What Lambda needs to attach the function to the VPC (its network interfaces). Only
   * the Describe actions need `*` (EC2 scopes no Describe action to a resource); creating
   * an interface is limited to the function's subnets and security groups, and the
   * interface actions to this account's and region's network interfaces, whose ids Lambda
   * picks at attachment time.
   */
  private allowVpcAttachment(network: NonNullable<LookoutFunctionProps['network']>): void {
    const stack = Stack.of(this);
    const ec2Arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'ec2', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const interfaces = ec2Arn('network-interface', '*');
    const subnetIds = network.vpc.selectSubnets(network.subnets).subnetIds;
    // An imported subnet (an id in the config) may be in any owner account: a shared (RAM)
    // VPC's subnets belong to the VPC owner's account, and a subnet id is unique anyway. A
    // subnet this stack creates is this account's.
    const imported = subnetIds.filter((id) => !Token.isUnresolved(id));
    const subnetArn = (id: string) =>
      Token.isUnresolved(id) ? ec2Arn('subnet', id) : stack.formatArn({ service: 'ec2', account: '*', resource: 'subnet', resourceName: id, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }));
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ec2:CreateNetworkInterface'],
        resources: [interfaces, ...subnetIds.map(subnetArn), ...network.securityGroups.map((g) => ec2Arn('security-group', g.securityGroupId))],
      }),
    );
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], resources: [interfaces] }));
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Lambda VPC attachment: ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets, which EC2 scopes to no resource; every other EC2 action here is scoped.',
    });
    for (const id of imported) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:*:subnet/${id}]`,
        reason: `Lambda VPC attachment: network interfaces in subnet ${id} only; the owner account is open because a shared (RAM) VPC's subnets belong to the VPC owner's account.`,
      });
    }
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*]',
      reason: "Lambda VPC attachment: Lambda picks the network interface ids when it attaches the function, so they are this account's and region's interfaces; creating one is limited to the function's subnets and security groups.",
    });
  }
}
