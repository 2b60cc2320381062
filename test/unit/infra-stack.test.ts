import { App, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../functions/contract/thresholds.ts';
import { DeploymentListPaths, HandlerEnv, MetricNames, MetricSources, ServiceNames, SettingsParameterNames } from '../../functions/contract/handler-environment.ts';
import { ZookeeperLayer } from '../../infra/constructs/zookeeper-layer.ts';
import { exampleConfig, synthStack } from '../support/infra-stack.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (template: Template, type: string) => Object.values(template.findResources(type)) as Resource[];
const functionsOf = (template: Template) => resources(template, 'AWS::Lambda::Function');
const envOf = (fn: Resource) => (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
const byService = (template: Template, service: string) => {
  const found = functionsOf(template).find((fn) => envOf(fn)[HandlerEnv.PowertoolsServiceName] === service);
  if (!found) throw new Error(`no function with service ${service}`);
  return found;
};

let template: Template;
beforeAll(() => {
  template = synthStack(exampleConfig()).template;
});

describe('schedules', () => {
  it('has one probe schedule per ensemble and one sweep, all in the stack group', () => {
    const schedules = resources(template, 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(3);
    const inputs = schedules.map((s) => JSON.parse((s.Properties.Target as { Input: string }).Input) as Record<string, unknown>);
    expect(inputs.filter((i) => 'ensemble' in i).map((i) => (i.ensemble as { name: string }).name).sort()).toEqual(['kafka-zk', 'orders-zk']);
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'zk-lookout-prod' });
  });

  it('carries the ensemble spec and the scheduled time, with a small retry policy, max event age and DLQ', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      Target: {
        Input: JSON.stringify({
          ensemble: {
            name: 'orders-zk',
            servers: [
              { host: '10.20.1.11', port: 2181, adminPort: 8080 },
              { host: '10.20.2.12', port: 2181, adminPort: 8080 },
              { host: '10.20.3.13', port: 2181, adminPort: 8080 },
            ],
            canary: { root: '/zk-lookout/canary' },
            roundsPerInvocation: 1,
            intervalSeconds: 60,
          },
          scheduledTime: '<aws.scheduler.scheduled-time>',
        }),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 120 },
        DeadLetterConfig: { Arn: Match.anyValue() },
      },
    });
  });

  it('runs the sweep every 5 minutes', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      Target: { Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }) },
    });
  });

  it('encrypts the schedules dead-letter queue and enforces SSL on every queue', () => {
    for (const queue of resources(template, 'AWS::SQS::Queue')) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = resources(template, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });
});

describe('probe', () => {
  it('is one function for the one VPC, in its private subnets, with the zookeeper layer', () => {
    const inVpc = functionsOf(template).filter((fn) => fn.Properties.VpcConfig);
    expect(inVpc).toHaveLength(1);
    expect(inVpc[0]!.Properties.VpcConfig).toEqual({
      SubnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      SecurityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/SecurityGroup/), 'GroupId'] }],
    });
    expect(inVpc[0]!.Properties.Layers).toEqual([{ Ref: expect.stringMatching(/^ZookeeperLayer/) }]);
    expect(envOf(inVpc[0]!)[HandlerEnv.PowertoolsServiceName]).toBe(ServiceNames.Probe);
  });

  it('may connect only to the ZooKeeper ports of its ensembles, to DNS in the VPC and to DynamoDB through the prefix list', () => {
    const [group] = resources(template, 'AWS::EC2::SecurityGroup');
    const inline = (group!.Properties.SecurityGroupEgress as Record<string, unknown>[]).map((r) => `${String(r.CidrIp)}:${String(r.FromPort)}-${String(r.ToPort)}`);
    const separate = resources(template, 'AWS::EC2::SecurityGroupEgress').map((r) => `${String(r.Properties.DestinationPrefixListId)}:${String(r.Properties.FromPort)}-${String(r.Properties.ToPort)}`);
    expect([...inline, ...separate].sort()).toEqual(
      [
        ...['10.20.1.11/32', '10.20.2.12/32', '10.20.3.13/32'].flatMap((ip) => [`${ip}:2181-2181`, `${ip}:8080-8080`]),
        '10.20.64.0/20:2181-2181',
        // DNS, UDP and TCP (issue 14 fault 8).
        '10.20.0.0/16:53-53',
        '10.20.0.0/16:53-53',
        'pl-02cd2c6b:443-443',
      ].sort(),
    );
    expect(resources(template, 'AWS::EC2::SecurityGroupIngress')).toHaveLength(0);
  });

  // Issue 14 fault 3: the example reuses the VPC's DynamoDB gateway endpoint (it used to create one).
  it('adds no NAT gateway and no VPC endpoint (the example reuses the VPC\'s DynamoDB gateway endpoint)', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  it('adds the DynamoDB gateway endpoint to the listed route tables when the config says "create"', () => {
    const config = exampleConfig() as { ensembles: { vpc: Record<string, unknown> }[] };
    for (const e of config.ensembles) e.vpc.dynamoDbEndpoint = 'create';
    synthStack(config).template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      RouteTableIds: ['rtb-0a1b2c3d4e5f60001', 'rtb-0a1b2c3d4e5f60002'],
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
    });
  });

  it('lets multi-round invocations run for their interval', () => {
    // kafka-zk: 3 rounds 20 s apart, then the last round's 30 s.
    expect(byService(template, ServiceNames.Probe).Properties.Timeout).toBe(70);
  });
});

describe('results table', () => {
  it('is on demand, with PITR, TTL on `ttl`, a NEW_IMAGE stream and SSE', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      SSESpecification: { SSEEnabled: true },
    });
  });
});

describe('evaluator', () => {
  it('takes only inserts of round items from the stream, bisecting, reporting item failures, retrying a little, with a DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['round'] } } } }) }] },
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 2,
      MaximumRecordAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('EvaluateDeadLetters'), 'Arn'] } } },
    });
  });

  it('runs outside the VPC and gets the table, topic and settings through its environment, the sweep its ensemble list through SSM', () => {
    const evaluator = byService(template, ServiceNames.Evaluator);
    expect(evaluator.Properties.VpcConfig).toBeUndefined();
    expect(Object.keys(envOf(evaluator))).toEqual(
      expect.arrayContaining([HandlerEnv.ResultsTable, HandlerEnv.AlertsTopicArn, HandlerEnv.Stage]),
    );
    // The settings are found from the stage: the parameters the stack writes carry those names.
    const stage = envOf(evaluator)[HandlerEnv.Stage] as string;
    const parameterNames = resources(template, 'AWS::SSM::Parameter').map((p) => p.Properties.Name);
    expect(parameterNames).toEqual(expect.arrayContaining([SettingsParameterNames.thresholds(stage), SettingsParameterNames.silences(stage)]));
    // Issue 14 fault 6: the list grows with the config, so it is an SSM list, not an environment variable.
    const sweepList = resources(template, 'AWS::SSM::Parameter').find((p) => p.Properties.Name === `${DeploymentListPaths.sweepEnsembles(stage)}/0`);
    expect(JSON.parse(sweepList!.Properties.Value as string)).toEqual([
      { name: 'orders-zk', intervalSeconds: 60 },
      { name: 'kafka-zk', intervalSeconds: 60 },
    ]);
  });
});

describe('alerts topic', () => {
  it('is encrypted with a rotating customer-managed key that CloudWatch may use', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlertsKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('refuses publishing without SSL and lets only this account\'s alarms publish', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }) }),
        ]),
      },
    });
  });

  // Issue 14 fault 1: `exists: false` never matched the attribute-less alarms; they now go to the operations topic.
  it('subscribes each email with its severities (the watchdog\'s alarms reach it through the operations topic)', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'zookeeper-oncall@example.com',
      FilterPolicy: { severity: ['alarm', 'resolved'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'platform-team@example.com',
      FilterPolicy: { severity: ['alarm', 'warning', 'resolved'] },
    });
  });

  it('subscribes the chat relay to alert messages only, with a DLQ, and lets it read exactly the channel secrets', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      FilterPolicy: { severity: [{ exists: true }] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ChatRelayDeadLetters'), 'Arn'] } },
    });
    const relay = byService(template, ServiceNames.ChatRelay);
    expect(envOf(relay)).not.toHaveProperty('CHAT_CHANNELS');
    const channelList = resources(template, 'AWS::SSM::Parameter').find((p) => p.Properties.Name === `${DeploymentListPaths.chatChannels('prod')}/0`);
    expect(JSON.parse(channelList!.Properties.Value as string)).toEqual(exampleConfig().chatChannels);
    const policy = resources(template, 'AWS::IAM::Policy').find((p) => JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(policy!.Properties.PolicyDocument)).toContain(':secret:zk-lookout/prod/ops-slack-??????');
    expect(JSON.stringify(policy!.Properties.PolicyDocument)).toContain(':secret:zk-lookout/prod/kafka-feishu-??????');
  });

  it('gives the relay its delivery ledger in the results table, limited to DLV# partitions', () => {
    const relay = byService(template, ServiceNames.ChatRelay);
    expect(envOf(relay)[HandlerEnv.ResultsTable]).toEqual({ Ref: expect.stringMatching(/^ResultsTable/) });
    const statements = resources(template, 'AWS::IAM::Policy').flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    const ledger = statements.filter((st) => JSON.stringify(st.Condition ?? {}).includes('DLV#'));
    expect(ledger).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:PutItem', 'dynamodb:Query'],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DLV#*'] } },
      }),
    ]);
  });
});

describe('settings', () => {
  it('writes the default thresholds and an empty silence list to SSM', () => {
    const params = resources(template, 'AWS::SSM::Parameter');
    const byName = Object.fromEntries(params.filter((p) => !String(p.Properties.Name).includes('/deployment/')).map((p) => [p.Properties.Name as string, p.Properties.Value as string]));
    expect(Object.keys(byName).sort()).toEqual(['/zk-lookout/prod/silences', '/zk-lookout/prod/thresholds']);
    expect(JSON.parse(byName['/zk-lookout/prod/thresholds']!)).toEqual(JSON.parse(JSON.stringify(DEFAULT_THRESHOLDS)));
    expect(byName['/zk-lookout/prod/silences']).toBe('[]');
  });

  it('lets the evaluator read the two parameters and the configured ensembles\' overrides, nothing else', () => {
    const statements = resources(template, 'AWS::IAM::Policy').flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement);
    const ssm = statements.filter((st) => JSON.stringify(st.Action).includes('ssm:') && JSON.stringify(st.Resource).includes('thresholds'));
    expect(ssm).toHaveLength(2); // evaluator and sweep
    for (const statement of ssm) {
      expect(statement.Action).toBe('ssm:GetParameter');
      const resource = JSON.stringify(statement.Resource);
      expect(resource).toContain('/zk-lookout/prod/ensembles/orders-zk/thresholds');
      expect(resource).toContain('/zk-lookout/prod/ensembles/kafka-zk/thresholds');
      expect(resource).not.toContain('*');
      expect(statement.Resource).toHaveLength(4);
    }
  });
});

describe('watchdog and dashboard', () => {
  it('alarms on errors and throttles of every function, every DLQ and the schedule group, all to the topic', () => {
    const alarms = resources(template, 'AWS::CloudWatch::Alarm');
    // 4 functions × (errors, throttles) + 3 dead-letter queues + 2 Scheduler metrics.
    expect(alarms).toHaveLength(13);
    const metrics = alarms.map((a) => `${String(a.Properties.Namespace)}/${String(a.Properties.MetricName)}`);
    expect(metrics.filter((m) => m === 'AWS/Lambda/Errors')).toHaveLength(4);
    expect(metrics.filter((m) => m === 'AWS/Lambda/Throttles')).toHaveLength(4);
    expect(metrics.filter((m) => m === 'AWS/SQS/ApproximateNumberOfMessagesVisible')).toHaveLength(3);
    expect(metrics).toEqual(expect.arrayContaining(['AWS/Scheduler/TargetErrorCount', 'AWS/Scheduler/InvocationDroppedCount']));
    // Issue 14 fault 1: to the operations topic, whose email subscriptions have no filter.
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlertsOperationsTopic/) }]);
  });

  // Issue 16: the default dashboard bills nothing per ensemble (it drew 5 custom metrics per
  // ensemble); the EMF metrics are opt-in, and only then drawn.
  type Widget = { type: string; properties: { query?: string; metrics?: unknown[][] } };
  /** The dashboard's widgets, its tokens (region, log group names) written as TOKEN. */
  const widgetsOf = (t: Template): Widget[] => {
    const dashboards = resources(t, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = dashboards[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
    const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
    return (JSON.parse(text) as { widgets: Widget[] }).widgets;
  };
  const metricsOf = (widgets: Widget[]) => widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => m.filter((x) => typeof x === 'string').join('/'));

  it('draws every ensemble from Logs Insights over the probe and evaluator logs by default, with no custom-metric widget', () => {
    const widgets = widgetsOf(template);
    expect(metricsOf(widgets).filter((m) => !m.startsWith('AWS/Lambda/'))).toEqual([]);
    const queries = widgets.filter((w) => w.type === 'log').map((w) => w.properties.query ?? '');
    expect(queries).toHaveLength(2 * 3);
    for (const ensemble of ['orders-zk', 'kafka-zk']) {
      for (const field of ['serving', 'probability', 'durationMs']) expect(queries).toContainEqual(expect.stringContaining(`filter ensemble = "${ensemble}" and ispresent(${field})`));
    }
    // The functions' own AWS/Lambda metrics are free and drawn either way.
    for (const metric of ['Invocations', 'Errors', 'Duration']) expect(metricsOf(widgets)).toContainEqual(expect.stringMatching(new RegExp(`^AWS/Lambda/${metric}/`)));
    // The handlers are not told to emit EMF.
    for (const fn of functionsOf(template)) expect(envOf(fn)[HandlerEnv.PerEnsembleMetrics]).toBeUndefined();
  });

  it('with perEnsembleMetrics draws every ensemble\'s leader count, serving servers, warning probability, probe and canary latency from the EMF metrics the probe and evaluator then emit', () => {
    const withMetrics = synthStack({ ...exampleConfig(), perEnsembleMetrics: true }).template;
    const widgets = widgetsOf(withMetrics);
    for (const ensemble of ['orders-zk', 'kafka-zk']) {
      for (const metric of Object.values(MetricNames)) expect(metricsOf(widgets)).toContain(`ZkLookout/${metric}/ensemble/${ensemble}/service/${MetricSources[metric]}`);
    }
    expect(widgets.filter((w) => w.type === 'log')).toEqual([]);
    expect(envOf(byService(withMetrics, ServiceNames.Probe))[HandlerEnv.PerEnsembleMetrics]).toBe('true');
    expect(envOf(byService(withMetrics, ServiceNames.Evaluator))[HandlerEnv.PerEnsembleMetrics]).toBe('true');
    expect(envOf(byService(withMetrics, ServiceNames.Sweep))[HandlerEnv.PerEnsembleMetrics]).toBeUndefined();
  });

  it('sets every function\'s log level from the config (INFO unless said otherwise)', () => {
    for (const fn of functionsOf(template)) expect(envOf(fn)[HandlerEnv.PowertoolsLogLevel]).toBe('INFO');
    const debug = synthStack({ ...exampleConfig(), logLevel: 'DEBUG' }).template;
    for (const fn of functionsOf(debug)) expect(envOf(fn)[HandlerEnv.PowertoolsLogLevel]).toBe('DEBUG');
  });
});

describe('platform and permissions', () => {
  it('uses one runtime and architecture everywhere, matching the layer', () => {
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleRuntimes: ['nodejs22.x'], CompatibleArchitectures: ['x86_64'] });
    const fns = functionsOf(template);
    expect(fns).toHaveLength(4);
    for (const fn of fns) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['x86_64']);
    }
  });

  it('has no IAM statement allowing every action of a service', () => {
    const actions = resources(template, 'AWS::IAM::Policy').flatMap((p) =>
      (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) => [s.Action].flat()),
    );
    expect(actions.length).toBeGreaterThan(10);
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  });

  it('uses no AWS-managed policy (each role has only what the stack grants)', () => {
    for (const role of resources(template, 'AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('options', () => {
  // Issue 14 fault 4: only when the config says "create", and with private DNS off (it was on, and always created).
  it('adds a Secrets Manager interface endpoint, and egress to it, only for a canary with digest credentials in a VPC set to "create"', () => {
    const config = exampleConfig() as { ensembles: { canary: Record<string, unknown>; vpc: Record<string, unknown> }[] };
    config.ensembles[0]!.canary.digestSecretArn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:zk-lookout/prod/orders-digest-AbCdEf';
    for (const e of config.ensembles) e.vpc.secretsManagerEndpoint = 'create';
    const withDigest = synthStack(config).template;
    withDigest.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    withDigest.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.secretsmanager']] },
      PrivateDnsEnabled: false,
    });
    withDigest.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { FromPort: 443, ToPort: 443, DestinationSecurityGroupId: Match.anyValue() });
  });

  // Was "stops synth with the build command": synth now builds the layer itself
  // (test/unit/zookeeper-layer-build.test.ts); only a layer folder given explicitly can lack it.
  it('stops synth naming the folder when a layer folder given to it holds no addon', () => {
    expect(() => new ZookeeperLayer(new Stack(new App(), 'S'), 'Layer', { directory: '/nonexistent/layer' })).toThrow(/nonexistent\/layer\/.*zookeeper\.node is missing/);
  });
});

describe('the Alertmanager relay', () => {
  const config = exampleConfig() as { ensembles: { vpc: unknown }[]; alertmanager?: unknown };
  config.alertmanager = { url: 'http://alertmanager.internal:9093', secretName: 'zk-lookout/prod/alertmanager', vpc: { ...(config.ensembles[0]!.vpc as object), secretsManagerEndpoint: 'existing' }, endsAfterMinutes: 300 };
  const { template: withRelay } = synthStack(config);

  it('runs in the configured VPC, subscribed to alert messages, with its horizon, and is watched', () => {
    const relay = byService(withRelay, ServiceNames.AlertmanagerRelay);
    expect(relay.Properties.VpcConfig).toBeDefined();
    expect(envOf(relay)).toMatchObject({ ALERTMANAGER_URL: 'http://alertmanager.internal:9093', ALERTMANAGER_ENDS_AFTER_SECONDS: '18000' });
    const subscriptions = resources(withRelay, 'AWS::SNS::Subscription').filter((s) => s.Properties.Protocol === 'lambda');
    expect(subscriptions).toHaveLength(2);
    const alarms = resources(withRelay, 'AWS::CloudWatch::Alarm').map((a) => JSON.stringify(a.Properties.Dimensions ?? a.Properties.Metrics ?? ''));
    expect(alarms.filter((a) => a.includes('AlertmanagerRelay')).length).toBeGreaterThanOrEqual(3);
  });

  it('is absent when the config names no Alertmanager', () => {
    expect(() => byService(template, ServiceNames.AlertmanagerRelay)).toThrow();
  });

  it('refuses a URL that is not http(s), naming the field', () => {
    const bad = { ...exampleConfig(), alertmanager: { url: 'ftp://am' } };
    expect(() => synthStack(bad)).toThrow(/alertmanager\.url: an http\(s\) URL of Alertmanager/);
  });
});

