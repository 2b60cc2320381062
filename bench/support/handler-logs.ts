/**
 * What the probe and evaluator handlers really write to CloudWatch Logs per invocation,
 * and how long an invocation takes: the real handlers are loaded in this process with the
 * environment the stack gives them (INFO, the results table on the embedded store) and
 * invoked with a Lambda context, their stdout and stderr captured. The probe probes a
 * real local ensemble; the evaluator gets the stream record of each round as Lambda
 * would. SNS and SSM are mocked at the client (the default thresholds document, no
 * silences), as in the tests.
 *
 * Lambda adds its own records to the log group (with the JSON log format the stack sets:
 * `platform.start` and `platform.report` per invocation); they are not the handlers' output,
 * so they are measured from a record of Lambda's documented shape and billed apart.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { roundItem, streamImage } from '../../functions/adapters/aws/results-table.ts';
import { DEFAULT_THRESHOLDS } from '../../functions/contract/thresholds.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import type { ServerAddress } from '../../functions/contract/server-address.ts';
import { HandlerEnv, SettingsParameterNames } from '../../functions/contract/handler-environment.ts';
import { capturedDuring } from '../../test/support/captured-log.ts';
import { median } from '../stats.ts';

export interface HandlerLogs {
  /** Mean bytes the handler wrote per invocation. */
  probeBytes: number;
  evaluatorBytes: number;
  /** Median wall time of one invocation. */
  probeMs: number;
  evaluatorMs: number;
  /** Evaluator invocations measured. */
  evaluatorRuns: number;
  /** INFO lines per invocation (means). */
  probeLines: number;
  evaluatorLines: number;
}

/** Lambda's own records per invocation with `loggingFormat: JSON`, in their documented shape. */
export function platformRecordBytes(): number {
  const time = '2026-03-01T12:00:00.123Z';
  const requestId = '6f7f0961-8b32-4d8b-b9f1-3a0f4c7e2d11';
  const records = [
    { time, type: 'platform.start', record: { requestId, version: '$LATEST' } },
    {
      time,
      type: 'platform.report',
      record: { requestId, metrics: { durationMs: 123.45, billedDurationMs: 124, memorySizeMB: 256, maxMemoryUsedMB: 92 }, status: 'success' },
    },
  ];
  return records.reduce((sum, r) => sum + Buffer.byteLength(`${JSON.stringify(r)}\n`), 0);
}

function lambdaContext(functionName: string, n: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `6f7f0961-8b32-4d8b-b9f1-${String(n).padStart(12, '0')}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/03/01/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Runs the probe `probeRounds` times against `servers` and the evaluator over `rounds`
 * (renamed to `ensembleName`, so no other measurement's state is touched). Sets the
 * handlers' environment on `process.env` for the rest of the process.
 */
export async function measureHandlerLogs(options: {
  endpoint: string;
  tableName: string;
  servers: ServerAddress[];
  probeRounds: number;
  rounds: readonly ProbeRound[];
  ensembleName: string;
  perEnsembleMetrics: boolean;
}): Promise<HandlerLogs> {
  const stage = 'cost';
  Object.assign(process.env, {
    [HandlerEnv.ResultsTable]: options.tableName,
    [HandlerEnv.Stage]: stage,
    [HandlerEnv.AlertsTopicArn]: 'arn:aws:sns:us-east-1:123456789012:zk-lookout-cost-alerts',
    [HandlerEnv.PowertoolsLogLevel]: 'INFO',
    AWS_ENDPOINT_URL_DYNAMODB: options.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_LAMBDA_FUNCTION_NAME: 'zk-lookout-cost',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  });
  if (options.perEnsembleMetrics) process.env[HandlerEnv.PerEnsembleMetrics] = 'true';
  else delete process.env[HandlerEnv.PerEnsembleMetrics];
  const ssm = mockClient(SSMClient);
  const sns = mockClient(SNSClient);
  ssm.on(GetParameterCommand).rejects(Object.assign(new Error('parameter not found'), { name: 'ParameterNotFound' }));
  ssm.on(GetParameterCommand, { Name: SettingsParameterNames.thresholds(stage) }).resolves({ Parameter: { Value: JSON.stringify(DEFAULT_THRESHOLDS) } });
  ssm.on(GetParameterCommand, { Name: SettingsParameterNames.silences(stage) }).resolves({ Parameter: { Value: '[]' } });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  try {
    const { handler: probe } = (await import('../../functions/handlers/probe.ts')) as unknown as { handler: Handler };
    const { handler: evaluate } = (await import('../../functions/handlers/evaluate.ts')) as unknown as { handler: Handler };
    const probe0 = Date.parse('2026-04-01T00:00:00Z');
    const probeRuns = await invokeEach(options.probeRounds, (i) =>
      probe({ ensemble: { name: options.ensembleName, servers: options.servers, canary: { root: '/zk-lookout/canary' }, roundsPerInvocation: 1, intervalSeconds: 60 }, scheduledTime: new Date(probe0 + i * 60_000).toISOString() }, lambdaContext('zk-lookout-probe', i)),
    );
    const evaluatorRuns = await invokeEach(options.rounds.length, (i) => evaluate(streamEvent({ ...options.rounds[i]!, ensembleName: `${options.ensembleName}-evaluated` }, i), lambdaContext('zk-lookout-evaluator', i)));
    return {
      probeBytes: probeRuns.bytes,
      evaluatorBytes: evaluatorRuns.bytes,
      probeMs: probeRuns.ms,
      evaluatorMs: evaluatorRuns.ms,
      evaluatorRuns: options.rounds.length,
      probeLines: probeRuns.lines,
      evaluatorLines: evaluatorRuns.lines,
    };
  } finally {
    ssm.restore();
    sns.restore();
  }
}

async function invokeEach(count: number, invoke: (i: number) => Promise<unknown>): Promise<{ bytes: number; ms: number; lines: number }> {
  let bytes = 0;
  let lines = 0;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const out = await capturedDuring(() => invoke(i));
    times.push(performance.now() - t0);
    bytes += Buffer.byteLength(out.text);
    lines += out.lines.filter((l) => l.level === 'INFO').length;
  }
  return { bytes: bytes / count, ms: median(times), lines: lines / count };
}

function streamEvent(round: ProbeRound, n: number): DynamoDBStreamEvent {
  const image = roundItem(round, round.startedAt);
  return {
    Records: [
      {
        eventID: `event-${n}`,
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/zk-lookout-results/stream/2026-03-01T00:00:00.000',
        dynamodb: { Keys: { pk: image.pk!, sk: image.sk! } as never, NewImage: streamImage(image) as never, SequenceNumber: String(n + 1).padStart(21, '0'), SizeBytes: 1, StreamViewType: 'NEW_IMAGE' },
      },
    ],
  };
}
