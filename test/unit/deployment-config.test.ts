import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from '../../infra/config/config-json-schema.ts';
import { DeploymentConfigError, loadDeploymentConfig, parseDeploymentConfig, roundIntervalSeconds } from '../../infra/config/deployment-config.ts';
import { repoPath } from '../../infra/repo-path.ts';
import { EXAMPLE_CONFIG_PATH, exampleConfig } from '../support/infra-stack.ts';

type Config = ReturnType<typeof exampleConfig> & { ensembles: Record<string, unknown>[]; chatChannels: Record<string, unknown>[]; emailSubscriptions: Record<string, unknown>[] };
const config = () => exampleConfig() as Config;
const problems = (value: unknown): string => {
  try {
    parseDeploymentConfig(value, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(DeploymentConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be rejected');
};

describe('parseDeploymentConfig', () => {
  it('accepts the example and fills in defaults', () => {
    const parsed = parseDeploymentConfig(config(), 'example');
    expect(parsed.ensembles.map((e) => e.name)).toEqual(['orders-zk', 'kafka-zk']);
    expect(parsed.ensembles[0]).toMatchObject({ clientPort: 2181, scheduleRate: 1, roundsPerInvocation: 1, canary: { enabled: true, root: '/zk-lookout/canary' } });
    expect(parsed.ensembles[1]!.roundsPerInvocation).toBe(3);
    expect(parsed.chatbot).toBeUndefined();
    expect(parsed.ensembles[0]!.znodeRules).toEqual([]);
  });

  it('keeps per-ensemble metrics off and logs at INFO unless asked, and names a log level it does not know', () => {
    expect(parseDeploymentConfig(config(), 'example')).toMatchObject({ perEnsembleMetrics: false, logLevel: 'INFO' });
    expect(parseDeploymentConfig({ ...config(), perEnsembleMetrics: true, logLevel: 'DEBUG' }, 'example')).toMatchObject({ perEnsembleMetrics: true, logLevel: 'DEBUG' });
    expect(problems({ ...config(), logLevel: 'verbose' })).toContain('logLevel: one of DEBUG, INFO, WARN, ERROR, got "verbose"');
  });

  it('takes znode rules per ensemble and fills in their defaults', () => {
    const value = config();
    value.ensembles[1]!.znodeRules = [
      { check: 'children', path: '/brokers/ids', min: 3 },
      { check: 'config', path: '/config/topics/orders' },
    ];
    expect(parseDeploymentConfig(value, 'test.json').ensembles[1]!.znodeRules).toEqual([
      { check: 'children', path: '/brokers/ids', min: 3 },
      { check: 'config', path: '/config/topics/orders', content: false },
    ]);
  });

  it('names the field, the rule and the value, e.g. ensembles[2].name', () => {
    const value = config();
    value.ensembles.push({ ...value.ensembles[0], name: 'Prod_ZK' });
    expect(problems(value)).toBe('test.json: 1 problem:\n  ensembles[2].name: ≤ 48 chars of [a-z0-9-], got "Prod_ZK"');
  });

  it.each([
    ['a name over 48 characters', (c: Config) => (c.ensembles[0]!.name = 'a'.repeat(49)), `ensembles[0].name: ≤ 48 chars of [a-z0-9-], got "${'a'.repeat(49)}"`],
    ['a server port out of range', (c: Config) => (c.ensembles[0]!.servers = ['10.0.0.1:99999']), 'ensembles[0].servers[0]: "10.0.0.1:99999": port must be 1-65535'],
    ['a missing vpc', (c: Config) => delete c.ensembles[1]!.vpc, 'ensembles[1].vpc: required (object)'],
    ['an unknown key', (c: Config) => (c.ensembles[0]!.schedule = 'rate(1 minute)'), 'ensembles[0]: unknown key "schedule"'],
    ['a rate under a minute', (c: Config) => (c.ensembles[0]!.scheduleRate = 0), 'ensembles[0].scheduleRate: Too small: expected number to be >=1'],
    ['more than 6 rounds per invocation', (c: Config) => (c.ensembles[0]!.roundsPerInvocation = 7), 'ensembles[0].roundsPerInvocation: Too big: expected number to be <=6'],
    ['several rounds over a long rate', (c: Config) => Object.assign(c.ensembles[1]!, { scheduleRate: 15 }), 'ensembles[1].roundsPerInvocation: more than 1 round per invocation needs scheduleRate ≤ 10 minutes, got 15'],
    [
      'subnets not matching the zones',
      (c: Config) => Object.assign(c.ensembles[0]!.vpc as object, { availabilityZones: ['us-east-1a'] }),
      'ensembles[0].vpc.privateSubnetIds: one subnet per availability zone, in the same order: 2 subnets for 1 zones',
    ],
    ['a malformed prefix list', (c: Config) => Object.assign(c.ensembles[0]!.vpc as object, { dynamoDbPrefixListId: 'dynamodb' }), 'ensembles[0].vpc.dynamoDbPrefixListId: the DynamoDB managed prefix list id like pl-02cd2c6b, got "dynamodb"'],
    ['a duplicate ensemble name', (c: Config) => (c.ensembles[1]!.name = 'orders-zk'), 'ensembles[1].name: "orders-zk" is already ensembles[0].name'],
    [
      'one VPC described two ways',
      (c: Config) => Object.assign(c.ensembles[1]!, { vpc: { ...(c.ensembles[0]!.vpc as object), cidr: '10.21.0.0/16' } }),
      'ensembles[1].vpc: differs from ensembles[0].vpc for the same vpcId vpc-0a1b2c3d4e5f60718',
    ],
    ['a chat secret outside the stage prefix', (c: Config) => (c.chatChannels[0]!.secretId = 'slack-webhook'), 'chatChannels[0].secretId: a secret name under "zk-lookout/prod/" (the relay may read only those), got "slack-webhook"'],
    ['a chat channel for an unknown ensemble', (c: Config) => (c.chatChannels[1]!.ensembles = ['kafka']), 'chatChannels[1].ensembles[0]: no ensemble is named "kafka"'],
    ['an unknown chat kind', (c: Config) => (c.chatChannels[0]!.kind = 'irc'), 'chatChannels[0].kind: Invalid option'],
    ['an unknown severity', (c: Config) => (c.emailSubscriptions[0]!.severities = ['critical']), 'emailSubscriptions[0].severities[0]: Invalid option'],
    ['a malformed email address', (c: Config) => (c.emailSubscriptions[0]!.address = 'oncall'), 'emailSubscriptions[0].address: an email address, got "oncall"'],
    ['a stage with capitals', (c: Config) => (c.stage = 'Prod'), 'stage: ≤ 16 chars of [a-z0-9-], starting with a letter, got "Prod"'],
    ['a log retention CloudWatch does not offer', (c: Config) => (c.logRetentionDays = 10), 'logRetentionDays: '],
    [
      'a znode rule with a bad regex',
      (c: Config) => (c.ensembles[0]!.znodeRules = [{ check: 'exists', path: '/brokers/ids' }, { check: 'data', path: '/config', regex: '(unclosed' }]),
      'ensembles[0].znodeRules[1].regex: is not a valid regular expression: ',
    ],
    ['a relative znode path', (c: Config) => (c.ensembles[1]!.znodeRules = [{ check: 'children', path: 'brokers/ids', min: 3 }]), 'ensembles[1].znodeRules[0].path: must be absolute (start with "/"), got "brokers/ids"'],
    ['an unknown znode check', (c: Config) => (c.ensembles[0]!.znodeRules = [{ check: 'size', path: '/a' }]), 'ensembles[0].znodeRules[0].check: '],
    [
      'znode rules without the canary that checks them',
      (c: Config) => Object.assign(c.ensembles[0]!, { canary: { enabled: false }, znodeRules: [{ check: 'exists', path: '/a' }] }),
      'ensembles[0].znodeRules: 1 rule(s) but canary.enabled is false: znode rules are checked in the canary session',
    ],
  ])('rejects %s', (_name, mutate, expected) => {
    const value = config();
    mutate(value);
    expect(problems(value)).toContain(`\n  ${expected}`);
  });

  it('reports every field problem at once', () => {
    const value = config();
    value.ensembles[0]!.name = 'Orders';
    value.ensembles[1]!.scheduleRate = 0;
    value.emailSubscriptions[0]!.address = 'oncall';
    expect(problems(value)).toMatch(/^test\.json: 3 problems:\n {2}ensembles\[0\]\.name: .*\n {2}ensembles\[1\]\.scheduleRate: .*\n {2}emailSubscriptions\[0\]\.address: /);
  });
});

describe('loadDeploymentConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the example file', () => {
    expect(loadDeploymentConfig(EXAMPLE_CONFIG_PATH).stage).toBe('prod');
  });

  it('says which file is missing and where to start', () => {
    const path = join(dir, 'absent.json');
    expect(() => loadDeploymentConfig(path)).toThrow(new RegExp(`^${path}: cannot read the deployment config .*copy zk-lookout\\.config\\.example\\.json`));
  });

  it('says a file is not JSON', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "stage": ');
    expect(() => loadDeploymentConfig(path)).toThrow(new RegExp(`^${path}: not JSON \\(`));
  });
});

describe('derived values', () => {
  it('spaces rounds evenly over the schedule rate', () => {
    expect(roundIntervalSeconds({ scheduleRate: 1, roundsPerInvocation: 3 })).toBe(20);
    expect(roundIntervalSeconds({ scheduleRate: 5, roundsPerInvocation: 1 })).toBe(300);
  });

  it('keeps the committed JSON schema current (regenerate: tsx scripts/config-schema.ts)', () => {
    expect(readFileSync(repoPath(CONFIG_SCHEMA_FILE), 'utf8')).toBe(configJsonSchema());
  });
});

describe('VPC endpoint and DNS choices (issue 14)', () => {
  const vpcOf = (value: Config, i: number) => value.ensembles[i]!.vpc as Record<string, unknown>;
  const digest = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:zk-lookout/prod/orders-digest-AbCdEf';

  it('reuses the VPC\'s DynamoDB endpoint by default and asks nothing about Secrets Manager when no secret is read there', () => {
    const value = config();
    for (const i of [0, 1]) delete vpcOf(value, i).dynamoDbEndpoint;
    const parsed = parseDeploymentConfig(value, 'test.json');
    expect(parsed.ensembles[0]!.vpc.dynamoDbEndpoint).toBe('existing');
    expect(parsed.ensembles[0]!.vpc.secretsManagerEndpoint).toBeUndefined();
  });

  it('does not ask about Secrets Manager for a digest secret of a disabled canary, nor for an Alertmanager secret read outside any VPC', () => {
    const value = config();
    value.ensembles[0]!.canary = { enabled: false, digestSecretArn: digest };
    (value as Record<string, unknown>).alertmanager = { url: 'http://am.internal:9093', secretName: 'zk-lookout/prod/am' };
    expect(() => parseDeploymentConfig(value, 'test.json')).not.toThrow();
  });

  it('asks once per reader, naming the field, the reader and both choices', () => {
    const value = config();
    value.ensembles[0]!.canary = { digestSecretArn: digest };
    const message = problems(value);
    expect(message).toMatch(/^test\.json: 1 problem:\n {2}ensembles\[0\]\.vpc\.secretsManagerEndpoint: ensembles\[0\]\.canary\.digestSecretArn reads a secret from inside this VPC: set "existing" .* or "create" /);
  });

  it('refuses a DNS server range that is not a CIDR, naming it', () => {
    const value = config();
    vpcOf(value, 0).dnsServerCidrs = ['10.0.0.2'];
    vpcOf(value, 1).dnsServerCidrs = ['10.0.0.2'];
    expect(problems(value)).toContain('ensembles[0].vpc.dnsServerCidrs[0]: an IPv4 CIDR like 10.0.0.0/16, got "10.0.0.2"');
  });
});
