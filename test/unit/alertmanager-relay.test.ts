/**
 * The Alertmanager sender and relay Lambda against a stub `fetch` (what Alertmanager
 * answers), with Secrets Manager mocked at the adapter boundary.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertmanagerSecrets } from '../../functions/adapters/aws/secrets.ts';
import { parseAlertmanagerAuth } from '../../functions/adapters/alertmanager/alertmanager-auth.ts';
import { createAlertmanagerRelay } from '../../functions/handlers/alertmanager-relay.ts';
import { sendAlerts } from '../../functions/adapters/alertmanager/post-alerts.ts';
import { alertsFromMessage, type PostableAlert } from '../../functions/core/deliver/alertmanager-alerts.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';

const secrets = mockClient(SecretsManagerClient);
afterEach(() => secrets.reset());

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** Alertmanager as a list of replies (status, body) per method; records every request. */
function stubAlertmanager(replies: { GET?: [number, unknown][]; POST?: [number, unknown][] }) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const method = init.method ?? 'GET';
    calls.push({ method, url, headers: init.headers as Record<string, string>, ...(init.body ? { body: JSON.parse(init.body as string) as unknown } : {}) });
    const [status, body] = replies[method as 'GET' | 'POST']?.shift() ?? [200, method === 'GET' ? [] : ''];
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

const options = (fetch: typeof globalThis.fetch) => ({ deadlineMs: Date.now() + 5000, now: Date.now, sleep: async () => undefined, fetch, random: () => 0 });
const alerts = alertsFromMessage(sampleMessage(), 3_600_000);

describe('sendAlerts', () => {
  it('lists matching active alerts, then posts the alerts with basic auth', async () => {
    const am = stubAlertmanager({});
    const result = await sendAlerts({ url: 'http://am.internal:9093/prefix/', auth: { username: 'zk', password: 'pw' } }, alerts, options(am.fetch));
    expect(result).toEqual({ posted: 3, superseded: 0 });
    expect(am.calls.map((c) => c.method)).toEqual(['GET', 'POST']);
    expect(decodeURIComponent(am.calls[0]!.url)).toBe(
      'http://am.internal:9093/prefix/api/v2/alerts?filter=source="zk-lookout"&filter=ensemble="prod-zk"&filter=alertname=~"server-down|early-warning|read-only"',
    );
    expect(am.calls[1]).toMatchObject({ url: 'http://am.internal:9093/prefix/api/v2/alerts', headers: { authorization: `Basic ${Buffer.from('zk:pw').toString('base64')}` } });
    expect(am.calls[1]!.body).toEqual(alerts);
  });

  it('ends an active alert of the same identity whose other labels differ', async () => {
    // An early warning's signal is its cause (part of its identity), so the stale variant differs in severity here.
    const warning = alerts.find((a) => a.labels.alertname === 'early-warning')!;
    const stale = { ...warning, labels: { ...warning.labels, severity: 'critical' }, status: { state: 'active' } };
    const am = stubAlertmanager({ GET: [[200, [stale, warning]]] });
    const result = await sendAlerts({ url: 'http://am:9093', auth: { bearerToken: 'tok' } }, alerts, options(am.fetch));
    expect(result.superseded).toBe(1);
    const posted = am.calls[1]!.body as PostableAlert[];
    expect(posted.at(-1)).toMatchObject({ labels: { severity: 'critical' } });
    expect(Date.parse(posted.at(-1)!.endsAt)).toBeLessThanOrEqual(Date.now());
    expect(am.calls[1]!.headers.authorization).toBe('Bearer tok');
  });

  it('retries a 503 and fails on a 400 with an error that names Alertmanager but not the token', async () => {
    const retried = stubAlertmanager({ POST: [[503, 'starting'], [200, '']] });
    await expect(sendAlerts({ url: 'http://am:9093' }, alerts, options(retried.fetch))).resolves.toMatchObject({ posted: 3 });
    expect(retried.calls.filter((c) => c.method === 'POST')).toHaveLength(2);

    const refused = stubAlertmanager({ POST: [[400, 'bad alert: token s3cr3t rejected']] });
    const failure = sendAlerts({ url: 'http://am:9093', auth: { bearerToken: 's3cr3t' } }, alerts, options(refused.fetch));
    await expect(failure).rejects.toThrow(/Alertmanager at http:\/\/am:9093 did not accept 3 alert\(s\) after 1 attempt\(s\): HTTP 400: bad alert: token <credential> rejected/);
  });
});

describe('Alertmanager credentials', () => {
  it('accept username/password or a bearer token and name the fields of anything else, never a value', () => {
    expect(parseAlertmanagerAuth('{"username":"a","password":"b"}', 'f')).toEqual({ username: 'a', password: 'b' });
    expect(parseAlertmanagerAuth('{"bearerToken":"t"}', 'f')).toEqual({ bearerToken: 't' });
    expect(() => parseAlertmanagerAuth('{"user":"hunter2"}', 'file x')).toThrow(/^file x: fields \(user\) are neither/);
    expect(() => parseAlertmanagerAuth('{"user":"hunter2"}', 'file x')).not.toThrow(/hunter2/);
    expect(() => parseAlertmanagerAuth('not json hunter2', 'file x')).toThrow(/^file x: not JSON; expected/);
  });

  it('are read from Secrets Manager', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'zk-lookout/prod/alertmanager' }).resolves({ SecretString: '{"bearerToken":"t"}' });
    await expect(new AlertmanagerSecrets({ client: new SecretsManagerClient({}) }).get('zk-lookout/prod/alertmanager')).resolves.toEqual({ bearerToken: 't' });
  });
});

describe('the Alertmanager relay Lambda', () => {
  const event = (message: unknown): SNSEvent => ({ Records: [{ Sns: { MessageId: 'm-1', Message: JSON.stringify(message) } }] }) as unknown as SNSEvent;
  const context = { getRemainingTimeInMillis: () => 30_000 };

  it('posts each SNS message as alerts with the configured horizon and the secret credentials', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"username":"zk","password":"pw"}' });
    const am = stubAlertmanager({});
    const relay = createAlertmanagerRelay({
      url: 'http://10.1.2.3:9093',
      secretId: 'am',
      secrets: new AlertmanagerSecrets({ client: new SecretsManagerClient({}) }),
      endsAfterMs: 4.5 * 3_600_000,
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      fetch: am.fetch,
      sleep: async () => undefined,
    });
    await relay(event(sampleMessage()), context);
    const posted = am.calls.find((c) => c.method === 'POST')!;
    expect(posted.headers.authorization).toMatch(/^Basic /);
    const firing = (posted.body as PostableAlert[]).find((a) => a.labels.alertname === 'server-down')!;
    expect(firing.endsAt).toBe('2024-05-01T14:30:00.000Z');
  });

  it('fails the invocation when Alertmanager refuses, so Lambda retries', async () => {
    const am = stubAlertmanager({ POST: [[422, 'invalid']] });
    const relay = createAlertmanagerRelay({
      url: 'http://am:9093',
      secrets: { get: async () => ({ bearerToken: 'x' }) },
      endsAfterMs: 60_000,
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      fetch: am.fetch,
    });
    await expect(relay(event(sampleMessage()), context)).rejects.toThrow(/HTTP 422/);
  });
});
