import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAlertMessage } from '../../functions/core/deliver/build-alert-message.ts';
import { utf8Length } from '../../functions/core/deliver/escape.ts';
import { SNS_MAX_BYTES, SnsNotifier, snsSubject } from '../../functions/adapters/aws/sns-notifier.ts';
import { sampleMessage, transition } from '../support/alert-fixtures.ts';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:zk-lookout-alerts';
afterEach(() => sns.reset());

function published() {
  const calls = sns.commandCalls(PublishCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]!.args[0].input;
  return { input, message: JSON.parse(input.Message ?? '') as Record<string, string> };
}

describe('SnsNotifier', () => {
  it('publishes once with severity, ensemble and kind attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const out = await new SnsNotifier({ topicArn: TOPIC, client: new SNSClient({}) }).publish(sampleMessage());
    expect(out.messageId).toBe('m-1');
    const { input } = published();
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.MessageStructure).toBe('json');
    expect(input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'alarm' },
      ensemble: { DataType: 'String', StringValue: 'prod-zk' },
      kind: { DataType: 'String', StringValue: 'server-down' },
    });
  });

  it('gives each protocol its own rendering', async () => {
    sns.on(PublishCommand).resolves({});
    const msg = sampleMessage();
    await new SnsNotifier({ topicArn: TOPIC, client: new SNSClient({}) }).publish(msg);
    const { message } = published();
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'https', 'lambda']);
    expect(message.email).toContain('Fired (2):');
    expect(message.email).toContain('avg_latency on zk2:2181 = 120.5 (ν 100, τ 10, W 88%, P 97%, risk 85%, mode p*w)');
    expect(message.email).toContain(msg.silenceCommand);
    expect(message.default).toBe(message.email);
    expect(JSON.parse(message.lambda!)).toEqual(msg);
    expect(JSON.parse(message.https!)).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
      metadata: { threadId: 'prod-zk:server-down', eventType: 'server-down' },
    });
  });

  it('keeps the subject printable ASCII, one line, under 100 characters', () => {
    expect(snsSubject('[ALARM] prod: café down\nnext')).toBe('[ALARM] prod: cafe down next');
    expect(snsSubject('[ALARM] 中文集群: 宕机')).toBe('[ALARM] ?: ?');
    const long = snsSubject(`[ALARM] ${'x'.repeat(200)}`);
    expect(long.length).toBeLessThan(100);
    expect(long).toMatch(/^[\x20-\x7E]+$/);
  });

  it('publishes a message with a long title under a short subject', async () => {
    sns.on(PublishCommand).resolves({});
    await new SnsNotifier({ topicArn: TOPIC, client: new SNSClient({}) }).publish(sampleMessage('ü'.repeat(300)));
    const subject = published().input.Subject ?? '';
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7E]+$/);
  });

  it('cuts an oversized message below 262,144 bytes, least important parts first', async () => {
    sns.on(PublishCommand).resolves({});
    const signal = { signal: 'avg_latency', value: 1, nu: 1, tau: 1, w: 0.5, risk: 0.5, mode: 'w' };
    const msg = buildAlertMessage({
      ensembleName: 'prod-zk',
      roundId: 'r',
      evaluatedAt: '2024-05-01T10:00:00.000Z',
      transitions: Array.from({ length: 400 }, (_, i) =>
        transition({ alertKey: `server-down:zk${i}`, alertName: 'server-down', level: i === 0 ? 'alarm' : 'warning', server: `zk${i}`, summary: `zk${i} ${'s'.repeat(600)}`, signals: Array(20).fill(signal) }),
      ),
    });
    if (msg === undefined) throw new Error('fixture');
    await new SnsNotifier({ topicArn: TOPIC, client: new SNSClient({}) }).publish(msg);
    const { input, message } = published();
    expect(utf8Length(input.Message ?? '')).toBeLessThan(SNS_MAX_BYTES);
    const lambda = JSON.parse(message.lambda!) as typeof msg;
    expect(lambda.title).toBe(msg.title);
    expect(lambda.severity).toBe('alarm');
    expect(lambda.changes[0]?.alertKey).toBe('server-down:zk0');
    expect(lambda.changes.at(-1)?.signals).toEqual([]);
    expect(lambda.changes.length).toBeGreaterThan(0);
  });

  it('propagates a failed publish', async () => {
    sns.on(PublishCommand).rejects(new Error('AuthorizationError: not allowed to publish'));
    await expect(new SnsNotifier({ topicArn: TOPIC, client: new SNSClient({}) }).publish(sampleMessage())).rejects.toThrow(/not allowed to publish/);
  });
});
