/**
 * Issue 14: the faults a first `cdk deploy` into a real account would meet. Nobody can
 * deploy from here, so each test encodes the AWS behaviour that makes the fault real
 * (FIELD-NOTES "AWS behaviour that tests cannot see here") and checks the template
 * against it. One `describe` per fault, numbered as in the issue.
 */
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_WIDGETS } from '../../infra/constructs/dashboard.ts';
import { HandlerEnv, ServiceNames } from '../../functions/contract/handler-environment.ts';
import { exampleConfig, synthStack } from '../support/infra-stack.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[]; DeletionPolicy?: string };
type Json = Record<string, unknown>;
type Config = Json & { ensembles: (Json & { vpc: Json; canary: Json })[]; alertmanager?: Json; chatChannels: Json[] };

const config = () => exampleConfig() as Config;
/** Synthesizes on first use, so a stack that fails to build fails its tests, not the file. */
const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};
const allResources = (template: Template) => (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
const ofType = (template: Template, type: string) => Object.entries(allResources(template)).filter(([, r]) => r.Type === type);
const envOf = (fn: Resource) => (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
const byService = (template: Template, service: string): Resource => {
  const found = ofType(template, 'AWS::Lambda::Function').find(([, fn]) => envOf(fn)[HandlerEnv.PowertoolsServiceName] === service);
  if (!found) throw new Error(`no function with service ${service}`);
  return found[1];
};
const refOf = (value: unknown) => (value as { Ref?: string }).Ref ?? ((value as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'] ?? [])[0];

const DIGEST_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:zk-lookout/prod/orders-digest-AbCdEf';
const withDigest = (endpoint?: 'existing' | 'create') => {
  const c = config();
  c.ensembles[0]!.canary.digestSecretArn = DIGEST_ARN;
  for (const e of c.ensembles) {
    if (endpoint) e.vpc.secretsManagerEndpoint = endpoint;
  }
  return c;
};

/**
 * SNS: a filter policy on message attributes matches only a message that has at least one
 * attribute; an attribute-less message (every CloudWatch alarm notification, a bare
 * `aws sns publish`) is delivered only to subscriptions without an attribute policy.
 */
function acceptsMessageWithoutAttributes(subscription: Resource): boolean {
  const scope = subscription.Properties.FilterPolicyScope ?? 'MessageAttributes';
  return subscription.Properties.FilterPolicy === undefined || scope !== 'MessageAttributes';
}

describe('1. the watchdog reaches email', () => {
  it('every watchdog alarm action reaches every configured address through a subscription that accepts an attribute-less message', () => {
    const c = config();
    const { template } = synthStack(c);
    const addresses = (c.emailSubscriptions as { address: string }[]).map((e) => e.address);
    const subscriptions = ofType(template, 'AWS::SNS::Subscription').map(([, s]) => s);
    const alarms = ofType(template, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      const actions = [...(alarm.Properties.AlarmActions as unknown[]), ...(alarm.Properties.OKActions as unknown[])];
      expect(actions.length, id).toBeGreaterThan(0);
      for (const action of actions) {
        const reached = subscriptions
          .filter((s) => s.Properties.Protocol === 'email' && refOf(s.Properties.TopicArn) === refOf(action) && acceptsMessageWithoutAttributes(s))
          .map((s) => s.Properties.Endpoint);
        expect(reached.sort(), `${id} → ${JSON.stringify(action)}`).toEqual([...addresses].sort());
      }
    }
  });

  it('the evaluator\'s alerts still reach each address only for its severities', () => {
    const { template } = synthStack(config());
    const email = ofType(template, 'AWS::SNS::Subscription').filter(([, s]) => s.Properties.Protocol === 'email' && s.Properties.FilterPolicy !== undefined);
    expect(email.map(([, s]) => [s.Properties.Endpoint, s.Properties.FilterPolicy]).sort()).toEqual(
      [
        ['platform-team@example.com', { severity: ['alarm', 'warning', 'resolved'] }],
        ['zookeeper-oncall@example.com', { severity: ['alarm', 'resolved'] }],
      ].sort(),
    );
  });
});

/** Resource ids a resource waits for: DependsOn, Ref and Fn::GetAtt. */
function dependencies(resource: Resource, ids: Set<string>): Set<string> {
  const found = new Set(resource.DependsOn ?? []);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'Ref' && typeof v === 'string' && ids.has(v)) found.add(v);
        else if (k === 'Fn::GetAtt' && Array.isArray(v) && ids.has(String(v[0]))) found.add(String(v[0]));
        else walk(v);
      }
    }
  };
  walk(resource.Properties);
  return found;
}

/** A dependency cycle CloudFormation would refuse, as the ids on it, or undefined. */
function dependencyCycle(template: Template): string[] | undefined {
  const resources = allResources(template);
  const ids = new Set(Object.keys(resources));
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    for (const next of dependencies(resources[id]!, ids)) {
      const cycle = visit(next, [...path, id]);
      if (cycle) return cycle;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    const cycle = visit(id, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('2. no create-time race between a function and its role policies', () => {
  it.each([
    ['the example config', config],
    ['every optional part', () => ({ ...withDigest('create'), alertmanager: { url: 'http://alertmanager.internal:9093', secretName: 'zk-lookout/prod/alertmanager', vpc: { ...config().ensembles[0]!.vpc, secretsManagerEndpoint: 'create' } } })],
  ])('on %s every function depends on every policy attached to its role (its DLQ grant among them)', (_name, make) => {
    const { template } = synthStack(make());
    const policies = ofType(template, 'AWS::IAM::Policy');
    const functions = ofType(template, 'AWS::Lambda::Function');
    let dlqGrants = 0;
    for (const [fnId, fn] of functions) {
      const role = refOf(fn.Properties.Role);
      const attached = policies.filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => refOf(r) === role));
      const dlq = (fn.Properties.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn;
      if (dlq) {
        const granting = attached.filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('sqs:SendMessage') && JSON.stringify(p.Properties.PolicyDocument).includes(JSON.stringify(dlq)));
        expect(granting.length, `${fnId}: a policy granting its DLQ`).toBeGreaterThan(0);
        dlqGrants += 1;
      }
      for (const [policyId] of attached) expect(fn.DependsOn ?? [], `${fnId} waits for ${policyId}`).toContain(policyId);
    }
    expect(dlqGrants).toBeGreaterThan(0);
    // The added waits must not close a loop CloudFormation would refuse.
    expect(dependencyCycle(template)).toBeUndefined();
  });
});

describe('3. the DynamoDB gateway endpoint is reused unless the config asks for one', () => {
  it('creates no VPC endpoint for the example config', () => {
    const { template } = synthStack(config());
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  it('creates the gateway endpoint on the listed route tables when asked', () => {
    const c = config();
    for (const e of c.ensembles) e.vpc.dynamoDbEndpoint = 'create';
    const { template } = synthStack(c);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-0a1b2c3d4e5f60001', 'rtb-0a1b2c3d4e5f60002'] });
  });

  it('refuses any other value, naming the field', () => {
    const c = config();
    c.ensembles[0]!.vpc.dynamoDbEndpoint = 'yes';
    expect(() => synthStack(c)).toThrow(/ensembles\[0\]\.vpc\.dynamoDbEndpoint: "existing" or "create", got "yes"/);
  });

  it('names the replacement of the old createDynamoDbEndpoint key', () => {
    const c = config();
    c.ensembles[0]!.vpc.createDynamoDbEndpoint = true;
    expect(() => synthStack(c)).toThrow(/ensembles\[0\]\.vpc\.createDynamoDbEndpoint: replaced by dynamoDbEndpoint/);
  });
});

describe('4. the Secrets Manager interface endpoint is opt-in and changes nobody else\'s DNS', () => {
  it('stops synth when a digest canary does not say how its VPC reaches Secrets Manager, naming the field and both choices', () => {
    expect(() => synthStack(withDigest())).toThrow(/ensembles\[0\]\.vpc\.secretsManagerEndpoint: .*"existing".*"create"/s);
  });

  it('reuses the VPC\'s endpoint when told so: no endpoint resource, HTTPS egress inside the VPC', () => {
    const { template } = synthStack(withDigest('existing'));
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    const probe = byService(template, ServiceNames.Probe);
    expect(envOf(probe)).not.toHaveProperty('AWS_ENDPOINT_URL_SECRETS_MANAGER');
  });

  it('creates one without private DNS when asked, and points only the probe at it', () => {
    const { template } = synthStack(withDigest('create'));
    const endpoints = ofType(template, 'AWS::EC2::VPCEndpoint').map(([, e]) => e);
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]!.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: false });
    expect(JSON.stringify(envOf(byService(template, ServiceNames.Probe)).AWS_ENDPOINT_URL_SECRETS_MANAGER)).toContain('DnsEntries');
  });
});

describe('5. names that can be deployed again, and in a second region', () => {
  const synth = once(() => synthStack({ ...config(), chatbot: { slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } } }).template);

  it('deletes the schedule group with the stack, so the same stage deploys again', () => {
    const [[, group]] = ofType(synth(), 'AWS::Scheduler::ScheduleGroup') as [[string, Resource]];
    expect(group.DeletionPolicy).toBe('Delete');
    expect(JSON.stringify(group.Properties.Name)).toContain('prod');
  });

  it.each([
    ['dashboard', 'AWS::CloudWatch::Dashboard', 'DashboardName'],
    ['AWS Chatbot channel', 'AWS::Chatbot::SlackChannelConfiguration', 'ConfigurationName'],
  ])('gives the account-wide %s a name with the stage and the region', (_what, type, property) => {
    const [[, resource]] = ofType(synth(), type) as [[string, Resource]];
    const name = JSON.stringify(resource.Properties[property]);
    expect(name).toContain('prod');
    expect(name).toContain('AWS::Region');
  });
});

/** 200 ensembles in one VPC (25-character names) and 20 chat channels each filtering on 10 of them. */
function bigConfig(): Config {
  const c = config();
  const base = c.ensembles[0]!;
  c.ensembles = Array.from({ length: 200 }, (_, i) => ({ ...base, name: `ensemble-${String(i).padStart(3, '0')}-abcdefghijklm` }));
  c.chatChannels = Array.from({ length: 20 }, (_, i) => ({
    name: `channel-${i}`,
    kind: 'slack',
    secretId: `zk-lookout/prod/channel-${i}`,
    severities: ['alarm', 'resolved'],
    ensembles: c.ensembles.slice(i * 10, i * 10 + 10).map((e) => e.name),
  }));
  return c;
}

/** Lambda counts every key and value of the environment against 4 KB. */
const environmentBytes = (fn: Resource) => Object.entries(envOf(fn)).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v)), 0);

describe('6 and 12. many ensembles and channels fit Lambda\'s limits', () => {
  it('keeps every function\'s environment under 4 KB and its description under 256 characters', () => {
    const functions = ofType(synthStack(bigConfig()).template, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(4);
    for (const [id, fn] of functions) {
      expect(environmentBytes(fn), id).toBeLessThan(4096);
      expect(String(fn.Properties.Description).length, id).toBeLessThanOrEqual(256);
    }
  });

  it('keeps every dashboard within CloudWatch\'s 500 widgets, all 200 ensembles drawn once', () => {
    const dashboards = ofType(synthStack(bigConfig()).template, 'AWS::CloudWatch::Dashboard').map(([, d]) => JSON.parse(JSON.stringify(d.Properties.DashboardBody).replace(/\{"Ref":"AWS::Region"\}/g, '"us-east-1"')) as unknown);
    expect(dashboards.length).toBeGreaterThan(1);
    const drawn: string[] = [];
    const counts: number[] = [];
    for (const body of dashboards) {
      const text = JSON.stringify(body);
      const widgets = (text.match(/\\"type\\":/g) ?? []).length;
      counts.push(widgets);
      expect(widgets).toBeLessThanOrEqual(500);
      drawn.push(...[...text.matchAll(/### (ensemble-\d{3}-abcdefghijklm)/g)].map((m) => m[1]!));
    }
    expect(drawn.sort()).toEqual(bigConfig().ensembles.map((e) => String(e.name)).sort());
    // 4 widgets an ensemble, a page header, and the functions' row on the first page
    // (issue 16): the count is of widgets, not of something else.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(200 * 4 + dashboards.length + FUNCTION_WIDGETS);
  });

  it('a dozen ensembles with 25-character names in one VPC synthesize (the probe description does not list them)', () => {
    const c = config();
    c.ensembles = Array.from({ length: 12 }, (_, i) => ({ ...c.ensembles[0]!, name: `ensemble-${String(i).padStart(2, '0')}-abcdefghijklmn` }));
    c.chatChannels = [];
    const probe = byService(synthStack(c).template, ServiceNames.Probe);
    expect(String(probe.Properties.Description)).not.toContain('ensemble-00');
  });
});

describe('7. the Alertmanager relay in a VPC can reach Secrets Manager', () => {
  const relayConfig = (endpoint?: string) => ({
    ...config(),
    alertmanager: { url: 'http://alertmanager.internal:9093', secretName: 'zk-lookout/prod/alertmanager', vpc: { ...config().ensembles[0]!.vpc, ...(endpoint ? { secretsManagerEndpoint: endpoint } : {}) } },
  });

  it('stops synth when the relay\'s VPC does not say how it reaches Secrets Manager', () => {
    expect(() => synthStack(relayConfig())).toThrow(/alertmanager\.vpc\.secretsManagerEndpoint: .*"existing".*"create"/s);
  });

  it('with "create", gets an endpoint that admits it on 443, and uses it', () => {
    const { template } = synthStack(relayConfig('create'));
    const relay = byService(template, ServiceNames.AlertmanagerRelay);
    const relayGroup = refOf((relay.Properties.VpcConfig as { SecurityGroupIds: unknown[] }).SecurityGroupIds[0]);
    const [[, endpoint]] = ofType(template, 'AWS::EC2::VPCEndpoint') as [[string, Resource]];
    const endpointGroup = refOf((endpoint.Properties.SecurityGroupIds as unknown[])[0]);
    const ingress = ofType(template, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(ingress.some((r) => refOf(r.GroupId) === endpointGroup && refOf(r.SourceSecurityGroupId) === relayGroup && r.FromPort === 443)).toBe(true);
    const egress = ofType(template, 'AWS::EC2::SecurityGroupEgress').map(([, r]) => r.Properties);
    expect(egress.some((r) => refOf(r.GroupId) === relayGroup && refOf(r.DestinationSecurityGroupId) === endpointGroup && r.FromPort === 443)).toBe(true);
    expect(JSON.stringify(envOf(relay).AWS_ENDPOINT_URL_SECRETS_MANAGER)).toContain('DnsEntries');
  });
});

/** Security-group egress of the probe, inline and separate, as `protocol cidr:from-to`. */
function probeEgress(template: Template): string[] {
  const probe = byService(template, ServiceNames.Probe);
  const group = refOf((probe.Properties.VpcConfig as { SecurityGroupIds: unknown[] }).SecurityGroupIds[0]);
  const groupResource = allResources(template)[group!]!;
  const inline = (groupResource.Properties.SecurityGroupEgress as Json[] | undefined) ?? [];
  const separate = ofType(template, 'AWS::EC2::SecurityGroupEgress').filter(([, r]) => refOf(r.Properties.GroupId) === group).map(([, r]) => r.Properties);
  return [...inline, ...separate].map((r) => `${String(r.IpProtocol)} ${String(r.CidrIp ?? r.DestinationPrefixListId ?? JSON.stringify(r.DestinationSecurityGroupId))}:${String(r.FromPort)}-${String(r.ToPort)}`);
}

describe('8. the probe can resolve host names', () => {
  it('may send DNS (53 UDP and TCP) to the VPC\'s resolver range', () => {
    const egress = probeEgress(synthStack(config()).template);
    expect(egress).toContain('udp 10.20.0.0/16:53-53');
    expect(egress).toContain('tcp 10.20.0.0/16:53-53');
  });

  it('may send DNS to the DNS servers the VPC\'s DHCP options name, when listed', () => {
    const c = config();
    for (const e of c.ensembles) e.vpc.dnsServerCidrs = ['192.168.7.53/32'];
    const egress = probeEgress(synthStack(c).template);
    expect(egress).toEqual(expect.arrayContaining(['udp 192.168.7.53/32:53-53', 'tcp 192.168.7.53/32:53-53']));
    expect(egress).not.toContain('udp 10.20.0.0/16:53-53');
  });
});

describe('9. a failed probe invocation is not retried hours late', () => {
  it('configures no asynchronous retries and a maximum event age of one schedule interval', () => {
    const c = config();
    c.ensembles[1]!.scheduleRate = 2;
    const { template } = synthStack(c);
    const probeId = ofType(template, 'AWS::Lambda::Function').find(([, fn]) => envOf(fn)[HandlerEnv.PowertoolsServiceName] === ServiceNames.Probe)![0];
    const configs = ofType(template, 'AWS::Lambda::EventInvokeConfig').filter(([, r]) => refOf(r.Properties.FunctionName) === probeId);
    expect(configs).toHaveLength(1);
    // The shortest schedule of the VPC's ensembles (1 minute): an event older than that has a newer slot behind it.
    expect(configs[0]![1].Properties).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60, Qualifier: '$LATEST' });
  });
});

/** Every acknowledgement in the tree, with the construct it sits on. */
function acknowledgements(root: IConstruct): { construct: IConstruct; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, unknown>).map(([id, reason]) => ({ construct: c, id, reason: String(reason) }))),
  );
}

describe('10. acknowledgements that are true for their resource', () => {
  // Two VPC functions (probe, Alertmanager relay) and three without the layer; cdk-nag on every optional part is test/unit/infra-nag.test.ts.
  const withRelay = { ...config(), alertmanager: { url: 'http://alertmanager.internal:9093', vpc: config().ensembles[0]!.vpc } };
  const synth = once(() => synthStack(withRelay));

  it('reports no unacknowledged cdk-nag finding', () => {
    expect(new AwsSolutionsChecks().validateScope(synth().stack).violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('grants `*` only for the EC2 Describe actions Lambda needs for a VPC attachment, which is what the acknowledgement says', () => {
    const { stack, template } = synth();
    const wildcard = ofType(template, 'AWS::IAM::Policy').flatMap(([, p]) =>
      ((p.Properties.PolicyDocument as { Statement: Json[] }).Statement).filter((s) => s.Resource === '*').map((s) => [s.Action].flat() as string[]),
    );
    const ec2 = wildcard.filter((actions) => actions.some((a) => a.startsWith('ec2:')));
    expect(ec2.length).toBeGreaterThan(0);
    for (const actions of ec2) expect([...actions].sort()).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);
    const vpcAcks = acknowledgements(stack).filter((a) => a.id.endsWith('AwsSolutions-IAM5[Resource::*]') && a.reason.includes('ec2:'));
    for (const ack of vpcAcks) expect(ack.reason).toMatch(/ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets/);
  });

  it('lets Lambda create network interfaces only in the function\'s subnets with its security groups', () => {
    const { template } = synth();
    const creates = ofType(template, 'AWS::IAM::Policy').flatMap(([, p]) =>
      ((p.Properties.PolicyDocument as { Statement: Json[] }).Statement).filter((s) => [s.Action].flat().includes('ec2:CreateNetworkInterface')),
    );
    expect(creates).toHaveLength(2); // the probe and the Alertmanager relay
    for (const statement of creates) {
      const resources = JSON.stringify(statement.Resource);
      expect(resources).toContain(':network-interface/*');
      for (const subnet of ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002']) expect(resources).toContain(`:subnet/${subnet}`);
      expect(resources).toContain(':security-group/');
      expect(statement.Resource).toHaveLength(4);
    }
  });

  it('gives the runtime acknowledgement the layer reason only on functions that carry the layer', () => {
    const { stack, template } = synth();
    const acks = acknowledgements(stack).filter((a) => a.id.endsWith('AwsSolutions-L1'));
    expect(acks.length).toBe(ofType(template, 'AWS::Lambda::Function').length);
    for (const ack of acks) {
      const fn = ack.construct.node.defaultChild as { layers?: unknown } | undefined;
      const layers = stack.resolve(fn?.layers) as unknown[] | undefined;
      const hasLayer = (layers ?? []).length > 0;
      expect(/addon|layer/.test(ack.reason), ack.construct.node.path).toBe(hasLayer);
    }
  });
});
