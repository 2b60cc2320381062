/**
 * The deployment config (`zk-lookout.config.json`): what to watch, where it lives and who
 * hears about it. Validated at synth: every problem is reported at once, each naming the
 * field (`ensembles[2].name`) and the rule it broke, so a bad config never reaches
 * CloudFormation.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Severities } from '../../functions/contract/alert-message.ts';
import { parseServerAddress } from '../../functions/contract/server-address.ts';
import { hasUserInfo, userInfoRefused } from '../../functions/contract/credential-free-url.ts';
import { ZnodeRulesSchema } from '../../functions/contract/znode-rules.ts';
import { ChannelConfigSchema } from '../../functions/contract/chat-channels.ts';
import { EnsembleName } from '../../functions/contract/ensemble-name.ts';
import { checkValue, formatPath, readJson, zodWording, type ParseProblem } from '../../functions/contract/parse-with.ts';

export class DeploymentConfigError extends Error {
  override name = 'DeploymentConfigError';
}

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Powertools Logger levels the functions accept (`POWERTOOLS_LOG_LEVEL`). */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

const got = (input: unknown) => `got ${JSON.stringify(input)}`;
const pattern = (re: RegExp, rule: string) => z.string().regex(re, { error: (iss) => `${rule}, ${got(iss.input)}` });
const port = z.int().min(1).max(65535).meta({ description: 'TCP port, 1-65535' });
const severity = z.enum(Severities);
/** Whether the stack reuses what the VPC has or creates the endpoint itself. */
export const ENDPOINT_CHOICES = ['existing', 'create'] as const;
const cidr = pattern(/^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/, 'an IPv4 CIDR like 10.0.0.0/16');

const serverAddress = z.string().superRefine((text, ctx) => {
  try {
    parseServerAddress(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const vpcSchema = z
  .strictObject({
    vpcId: pattern(/^vpc-[0-9a-f]+$/, 'a VPC id like vpc-0abc123'),
    cidr: cidr.meta({ description: 'The VPC CIDR (default egress destination when server hosts are names).' }),
    privateSubnetIds: z.array(pattern(/^subnet-[0-9a-f]+$/, 'a subnet id like subnet-0abc123')).min(1),
    routeTableIds: z.array(pattern(/^rtb-[0-9a-f]+$/, 'a route table id like rtb-0abc123')).min(1),
    availabilityZones: z.array(z.string().min(1)).min(1),
    dynamoDbPrefixListId: pattern(/^pl-[0-9a-f]+$/, 'the DynamoDB managed prefix list id like pl-02cd2c6b').meta({
      description: 'aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.<region>.dynamodb',
    }),
    dynamoDbEndpoint: z
      .enum(ENDPOINT_CHOICES, { error: (iss) => `"existing" or "create", ${got(iss.input)}` })
      .default('existing')
      .meta({
        description:
          '"existing" (default): the route tables already send DynamoDB through a gateway endpoint (or a NAT), and the stack changes nothing in them. ' +
          '"create": the stack adds a (free) DynamoDB gateway endpoint to routeTableIds; it fails where one exists, and `cdk destroy` removes it again for every subnet on those tables.',
      }),
    createDynamoDbEndpoint: z
      .never({ error: 'replaced by dynamoDbEndpoint: "existing" (reuse the VPC\'s gateway endpoint, the default) or "create"' })
      .optional()
      .meta({ description: 'Removed: use dynamoDbEndpoint.' }),
    secretsManagerEndpoint: z
      .enum(ENDPOINT_CHOICES, { error: (iss) => `"existing" or "create", ${got(iss.input)}` })
      .optional()
      .meta({
        description:
          'Required when something in this VPC reads a secret (a canary digestSecretArn, the Alertmanager relay with secretName). ' +
          '"existing": an interface endpoint with private DNS already serves this VPC and its security group admits HTTPS from the VPC CIDR (the functions get egress 443 to the VPC CIDR only). ' +
          '"create": the stack adds an interface endpoint with private DNS off (about $7.30 per AZ-month) that only zk-lookout\'s functions use.',
      }),
    dnsServerCidrs: z
      .array(cidr)
      .min(1)
      .optional()
      .meta({ description: 'Where the functions in this VPC may send DNS (53 UDP/TCP). Default: the VPC CIDR (the Amazon resolver at its base + 2, and DNS servers inside it); list yours when the DHCP options name servers outside the VPC.' }),
    securityGroupId: pattern(/^sg-[0-9a-f]+$/, 'a security group id like sg-0abc123')
      .optional()
      .meta({ description: 'Use this existing security group for the probe instead of creating one (you own its rules).' }),
  })
  .superRefine((vpc, ctx) => {
    if (vpc.privateSubnetIds.length !== vpc.availabilityZones.length) {
      ctx.addIssue({ code: 'custom', path: ['privateSubnetIds'], message: `one subnet per availability zone, in the same order: ${vpc.privateSubnetIds.length} subnets for ${vpc.availabilityZones.length} zones` });
    }
    if (vpc.routeTableIds.length !== vpc.privateSubnetIds.length) {
      ctx.addIssue({ code: 'custom', path: ['routeTableIds'], message: `one route table per subnet, in the same order: ${vpc.routeTableIds.length} route tables for ${vpc.privateSubnetIds.length} subnets` });
    }
  });

const ensembleSchema = z
  .strictObject({
    name: EnsembleName,
    servers: z.array(serverAddress).min(1).meta({ description: 'host or host:port (client port); a host without a port uses clientPort.' }),
    clientPort: port.default(2181),
    adminPort: port.optional().meta({ description: 'AdminServer port, asked where a four-letter word is not whitelisted.' }),
    securePort: port.optional().meta({ description: 'TLS client port: four-letter words go over TLS to it; the canary keeps the plain client ports.' }),
    serverCidrs: z.array(cidr).min(1).optional().meta({ description: 'Probe egress destinations. Default: each server IP as /32, or the VPC CIDR when a server is a host name.' }),
    vpc: vpcSchema,
    canary: z
      .strictObject({
        enabled: z.boolean().default(true),
        root: pattern(/^\/[^\s]*$/, 'an absolute znode path like /zk-lookout/canary').default('/zk-lookout/canary'),
        digestSecretArn: pattern(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/, 'the complete ARN of a Secrets Manager secret (with its 6-character suffix)')
          .optional()
          .meta({ description: 'Secret holding user:password for digest auth; the VPC must then say how it reaches Secrets Manager (vpc.secretsManagerEndpoint).' }),
      })
      .default({ enabled: true, root: '/zk-lookout/canary' }),
    znodeRules: ZnodeRulesSchema.default([]).meta({
      description: 'Read-only checks of the znodes applications keep (existence, children, elections, config changes, open ACLs), run in the canary session every round.',
    }),
    scheduleRate: z.int().min(1).max(60).default(1).meta({ description: 'Minutes between probe invocations.' }),
    roundsPerInvocation: z.int().min(1).max(6).default(1).meta({ description: 'Evenly spaced rounds per invocation, for sub-minute probing.' }),
  })
  .superRefine((ensemble, ctx) => {
    // A multi-round invocation lasts one rate period; Lambda stops at 15 minutes.
    if (ensemble.roundsPerInvocation > 1 && ensemble.scheduleRate > 10) {
      ctx.addIssue({ code: 'custom', path: ['roundsPerInvocation'], message: `more than 1 round per invocation needs scheduleRate ≤ 10 minutes, got ${ensemble.scheduleRate}` });
    }
    if (ensemble.znodeRules.length > 0 && !ensemble.canary.enabled) {
      ctx.addIssue({ code: 'custom', path: ['znodeRules'], message: `${ensemble.znodeRules.length} rule(s) but canary.enabled is false: znode rules are checked in the canary session` });
    }
  });

const emailSchema = z.strictObject({
  address: z.email({ error: (iss) => `an email address, ${got(iss.input)}` }),
  severities: z.array(severity).min(1).meta({ description: 'Only messages of these severities reach this address.' }),
});

const chatChannelSchema = ChannelConfigSchema.extend({
  secretId: ChannelConfigSchema.shape.secretId.meta({ description: 'Secrets Manager name under zk-lookout/<stage>/ holding the webhook URL (and signing key).' }),
});

const chatbotSchema = z.strictObject({
  slack: z.strictObject({ workspaceId: z.string().min(1), channelId: z.string().min(1) }).optional(),
  teams: z.strictObject({ teamId: z.string().min(1), channelId: z.string().min(1), tenantId: z.string().min(1) }).optional(),
});

const alertmanagerSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: (iss) => `an http(s) URL of Alertmanager without credentials, ${got(iss.input)}` })
    .refine((url) => !hasUserInfo(url), { error: userInfoRefused('the secret named by "secretName"') })
    .meta({
      description: 'Alertmanager base URL, e.g. http://alertmanager.internal:9093 (API v2 alerts are posted under it).',
    }),
  secretName: z.string().min(1).optional().meta({ description: 'Secrets Manager name holding {"username","password"} or {"bearerToken"}.' }),
  vpc: vpcSchema.optional().meta({ description: 'Run the relay in this VPC, for an Alertmanager with a private address.' }),
  endsAfterMinutes: z.int().min(5).max(7 * 24 * 60).optional().meta({
    description: 'How long Alertmanager keeps a firing alert without news; must exceed the thresholds repeatEvery (default 270).',
  }),
});

export const deploymentConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    stage: pattern(/^[a-z][a-z0-9-]{0,15}$/, '≤ 16 chars of [a-z0-9-], starting with a letter'),
    retentionDays: z.int().min(1).max(365).default(14).meta({ description: 'Days a probe round is kept (DynamoDB TTL).' }),
    logRetentionDays: z
      .union(LOG_RETENTION_DAYS.map((d) => z.literal(d)))
      .default(30)
      .meta({ description: `Lambda log retention; one of ${LOG_RETENTION_DAYS.join(', ')}.` }),
    perEnsembleMetrics: z.boolean().default(false).meta({
      description:
        'Emit 5 CloudWatch custom metrics per ensemble (EMF: leaders, serving, warning probability, probe and canary ms) and draw the dashboard from them: ' +
        '$0.30 per metric-month, $1.50 per ensemble-month, and the free dashboard tier stops at 50 metrics. ' +
        'Default false: the dashboard reads the functions\' structured logs with Logs Insights ($0.005 per GB scanned, only while it is looked at) and AWS/Lambda\'s own metrics.',
    }),
    logLevel: z
      .enum(LOG_LEVELS, { error: (iss) => `one of ${LOG_LEVELS.join(', ')}, ${got(iss.input)}` })
      .default('INFO')
      .meta({ description: 'POWERTOOLS_LOG_LEVEL of every function. INFO: one line per invocation (errors apart); DEBUG adds the detail, at ingestion cost ($0.50 per GB).' }),
    ensembles: z.array(ensembleSchema).min(1),
    emailSubscriptions: z.array(emailSchema).default([]),
    chatChannels: z.array(chatChannelSchema).default([]),
    chatbot: chatbotSchema.optional(),
    alertmanager: alertmanagerSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const firstByName = new Map<string, number>();
    const firstByVpc = new Map<string, number>();
    const secretsEndpointMissing = (vpc: { secretsManagerEndpoint?: string | undefined }, path: (string | number)[], reader: string) => {
      if (vpc.secretsManagerEndpoint !== undefined) return;
      issue(
        [...path, 'secretsManagerEndpoint'],
        `${reader} reads a secret from inside this VPC: set "existing" when a Secrets Manager interface endpoint with private DNS already serves the VPC (admitting HTTPS from the VPC CIDR), ` +
          `or "create" to add an interface endpoint with private DNS off that only zk-lookout uses (about $7.30 per AZ-month)`,
      );
    };
    config.ensembles.forEach((ensemble, i) => {
      if (ensemble.canary.enabled && ensemble.canary.digestSecretArn) secretsEndpointMissing(ensemble.vpc, ['ensembles', i, 'vpc'], `ensembles[${i}].canary.digestSecretArn`);
      const seen = firstByName.get(ensemble.name);
      if (seen !== undefined) issue(['ensembles', i, 'name'], `"${ensemble.name}" is already ensembles[${seen}].name`);
      else firstByName.set(ensemble.name, i);
      // One probe function per VPC: its ensembles must describe the VPC the same way.
      const first = firstByVpc.get(ensemble.vpc.vpcId);
      if (first === undefined) firstByVpc.set(ensemble.vpc.vpcId, i);
      else if (JSON.stringify(config.ensembles[first]?.vpc) !== JSON.stringify(ensemble.vpc)) {
        issue(['ensembles', i, 'vpc'], `differs from ensembles[${first}].vpc for the same vpcId ${ensemble.vpc.vpcId}`);
      }
    });
    if (config.alertmanager?.vpc && config.alertmanager.secretName) secretsEndpointMissing(config.alertmanager.vpc, ['alertmanager', 'vpc'], 'alertmanager.secretName');
    const secretPrefix = `zk-lookout/${config.stage}/`;
    const channelNames = new Set<string>();
    config.chatChannels.forEach((channel, i) => {
      if (channelNames.has(channel.name)) issue(['chatChannels', i, 'name'], `"${channel.name}" is used twice`);
      channelNames.add(channel.name);
      if (!channel.secretId.startsWith(secretPrefix) || channel.secretId.length === secretPrefix.length) {
        issue(['chatChannels', i, 'secretId'], `a secret name under "${secretPrefix}" (the relay may read only those), ${got(channel.secretId)}`);
      }
      channel.ensembles?.forEach((name, j) => {
        if (!firstByName.has(name)) issue(['chatChannels', i, 'ensembles', j], `no ensemble is named "${name}"`);
      });
    });
  });

export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;
export type EnsembleConfig = DeploymentConfig['ensembles'][number];
export type VpcConfig = EnsembleConfig['vpc'];
export type AlertmanagerConfig = NonNullable<DeploymentConfig['alertmanager']>;

/**
 * Zod's words, as docs/DEPLOY.md shows them, except an unknown key (named at its object)
 * and a missing field.
 */
function describeIssue(issue: z.core.$ZodIssue): ParseProblem[] {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') return [{ path, message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` }];
  if (issue.code === 'invalid_type' && issue.input === undefined) return [{ path, message: `required (${issue.expected})` }];
  return zodWording(issue);
}

/** Validates an already parsed document; `source` names it in the error. */
export function parseDeploymentConfig(value: unknown, source: string): DeploymentConfig {
  const result = checkValue(deploymentConfigSchema, value, { describe: describeIssue, reportInput: true });
  if (result.ok) return result.value;
  const lines = result.errors.map((e) => `${e.path}: ${e.message}`);
  throw new DeploymentConfigError(`${source}: ${lines.length} problem${lines.length > 1 ? 's' : ''}:\n  ${lines.join('\n  ')}`);
}

export function loadDeploymentConfig(path: string): DeploymentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DeploymentConfigError(`${path}: cannot read the deployment config (${(err as Error).message}); copy zk-lookout.config.example.json to start`);
  }
  const json = readJson(text);
  if (!json.ok) throw new DeploymentConfigError(`${path}: not JSON (${json.at})`);
  return parseDeploymentConfig(json.value, path);
}

/** Seconds between two rounds of one invocation (the schedule rate spread over its rounds). */
export function roundIntervalSeconds(ensemble: Pick<EnsembleConfig, 'scheduleRate' | 'roundsPerInvocation'>): number {
  return (ensemble.scheduleRate * 60) / ensemble.roundsPerInvocation;
}
