import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSecrets } from '../../functions/adapters/aws/secrets.ts';
import type { ChannelConfig } from '../../functions/contract/chat-channels.ts';
import { deliver } from '../../functions/adapters/chat/deliver-to-channels.ts';
import type { DeliverOptions } from '../../functions/adapters/chat/deliver-to-channels.ts';
import { MemoryDeliveryLedger } from '../support/memory-delivery-ledger.ts';
import { createRelayHandler } from '../../functions/handlers/chat-relay.ts';
import { chatProviders } from '../../functions/adapters/chat/index.ts';
import type { ChatKind } from '../../functions/contract/chat-channels.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';

interface Captured {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}
type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** A loopback chat: records every request and answers from `reply(path, n)` (n = attempt number on that path). */
class FakeChat {
  readonly requests: Captured[] = [];
  reply: (path: string, n: number) => Reply = () => ({ status: 200, body: 'ok' });
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '';
        this.requests.push({ path, headers: req.headers, body, json: JSON.parse(body) as Record<string, unknown> });
        const n = this.requests.filter((r) => r.path.split('?')[0] === path.split('?')[0]).length;
        const reply = this.reply(path.split('?')[0] ?? '', n);
        if (reply === 'hang') return;
        res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string): Captured[] {
    return this.requests.filter((r) => r.path.split('?')[0] === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const chat = new FakeChat();
beforeAll(() => chat.start());
afterAll(() => chat.close());
afterEach(() => {
  chat.requests.length = 0;
  chat.reply = () => ({ status: 200, body: 'ok' });
});

const NOW = Date.parse('2024-05-01T10:00:05.000Z');
const channel = (kind: ChatKind, name: string = kind): ChannelConfig => ({ name, kind, secretId: `zk/${name}` });

/** A fake clock: sleeping advances it, so retries are instant but deadlines still bite. */
function clock(start = NOW) {
  let t = start;
  const sleeps: number[] = [];
  const options: Pick<DeliverOptions, 'now' | 'sleep' | 'random'> = {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    random: () => 0.5,
  };
  return { options, sleeps };
}

async function send(kind: ChatKind, path: string, secret?: string, extra: Partial<DeliverOptions> = {}) {
  const { options, sleeps } = clock();
  const result = await deliver(chatProviders[kind], channel(kind), { url: `${chat.base}${path}`, ...(secret ? { secret } : {}) }, sampleMessage(), {
    deadlineMs: NOW + 60_000,
    ...options,
    ...extra,
  });
  return { result, sleeps };
}

describe('each provider against a loopback chat', () => {
  it('slack: blocks posted as JSON, "ok" accepted', async () => {
    const { result } = await send('slack', '/services/T1/B1/x');
    expect(result).toMatchObject({ ok: true, attempts: 1 });
    const [req] = chat.on('/services/T1/B1/x');
    expect(req?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req?.json).toMatchObject({ text: expect.stringContaining('prod-zk') as unknown, blocks: expect.arrayContaining([expect.objectContaining({ type: 'header' })]) as unknown });
  });

  it('teams: an Adaptive Card attachment, 202 accepted', async () => {
    chat.reply = () => ({ status: 202 });
    const { result } = await send('teams', '/workflows/abc');
    expect(result.ok).toBe(true);
    const body = chat.on('/workflows/abc')[0]?.json as { type: string; attachments: { contentType: string; content: { type: string; version: string } }[] };
    expect(body.type).toBe('message');
    expect(body.attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4' } });
  });

  it('discord: an embed with mentions disabled, 204 accepted', async () => {
    chat.reply = () => ({ status: 204 });
    const { result } = await send('discord', '/api/webhooks/1/t');
    expect(result.ok).toBe(true);
    expect(chat.on('/api/webhooks/1/t')[0]?.json).toMatchObject({ allowed_mentions: { parse: [] }, embeds: [expect.objectContaining({ color: 0xd32f2f })] });
  });

  it('google chat: a cardsV2 message', async () => {
    chat.reply = () => ({ status: 200, body: '{"name":"spaces/x/messages/y"}' });
    const { result } = await send('google-chat', '/v1/spaces/x/messages');
    expect(result.ok).toBe(true);
    expect(chat.on('/v1/spaces/x/messages')[0]?.json).toMatchObject({ cardsV2: [expect.objectContaining({ cardId: 'zk-lookout-alert' })] });
  });

  it('feishu: signed card; sign = base64(HMAC-SHA256(key = "timestamp\\nsecret", message = ""))', async () => {
    chat.reply = () => ({ status: 200, body: '{"code":0,"msg":"success","data":{}}' });
    const { result } = await send('feishu', '/open-apis/bot/v2/hook/h', 'feishu-secret');
    expect(result.ok).toBe(true);
    const body = chat.on('/open-apis/bot/v2/hook/h')[0]?.json as { timestamp: string; sign: string; msg_type: string };
    expect(body.msg_type).toBe('interactive');
    expect(body.timestamp).toBe(String(Math.floor(NOW / 1000)));
    expect(body.sign).toBe(createHmac('sha256', `${body.timestamp}\nfeishu-secret`).update('').digest('base64'));
  });

  it('feishu: unsigned without a secret; a non-zero code is a refusal', async () => {
    chat.reply = () => ({ status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' });
    const { result } = await send('feishu', '/open-apis/bot/v2/hook/u');
    expect(chat.on('/open-apis/bot/v2/hook/u')[0]?.json).not.toHaveProperty('sign');
    expect(result).toMatchObject({ ok: false, attempts: 1, error: expect.stringContaining('code 19021') as unknown });
  });

  it('dingtalk: timestamp (ms) and sign = urlencode(base64(HMAC-SHA256(secret, "timestamp\\nsecret"))) in the query', async () => {
    chat.reply = () => ({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    const { result } = await send('dingtalk', '/robot/send?access_token=tok', 'SECdingtalk');
    expect(result.ok).toBe(true);
    const req = chat.on('/robot/send')[0];
    const rawQuery = req?.path.split('?')[1] ?? '';
    const query = new URLSearchParams(rawQuery);
    expect(query.get('access_token')).toBe('tok');
    expect(query.get('timestamp')).toBe(String(NOW));
    const expected = createHmac('sha256', 'SECdingtalk').update(`${NOW}\nSECdingtalk`).digest('base64');
    expect(rawQuery).toContain(`sign=${encodeURIComponent(expected)}`);
    expect(req?.json).toMatchObject({ msgtype: 'markdown', at: { isAtAll: false } });
  });

  it('wecom: markdown within 4096 bytes; errcode 0 accepted', async () => {
    chat.reply = () => ({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    const { result } = await send('wecom', '/cgi-bin/webhook/send?key=k');
    expect(result.ok).toBe(true);
    const body = chat.on('/cgi-bin/webhook/send')[0]?.json as { msgtype: string; markdown: { content: string } };
    expect(body.msgtype).toBe('markdown');
    expect(Buffer.byteLength(body.markdown.content)).toBeLessThanOrEqual(4096);
  });

  it('webhook: X-Zk-Lookout-Signature = sha256=hex(HMAC-SHA256(secret, "timestamp.body"))', async () => {
    const { result } = await send('webhook', '/hooks/zk', 'hook-secret');
    expect(result.ok).toBe(true);
    const req = chat.on('/hooks/zk')[0];
    const timestamp = String(req?.headers['x-zk-lookout-timestamp']);
    expect(timestamp).toBe(String(Math.floor(NOW / 1000)));
    expect(req?.headers['x-zk-lookout-signature']).toBe(`sha256=${createHmac('sha256', 'hook-secret').update(`${timestamp}.${req?.body}`).digest('hex')}`);
    expect(req?.json).toMatchObject({ source: 'zk-lookout', type: 'alert', message: { ensembleName: 'prod-zk' } });
  });

  it('webhook: no signature headers without a secret', async () => {
    await send('webhook', '/hooks/plain');
    expect(chat.on('/hooks/plain')[0]?.headers).not.toHaveProperty('x-zk-lookout-signature');
  });
});

describe('retries', () => {
  it('429 with a JSON retry_after (Discord, fractional seconds) is retried after it', async () => {
    chat.reply = (_p, n) => (n === 1 ? { status: 429, headers: { 'content-type': 'application/json' }, body: '{"message":"You are being rate limited.","retry_after":1.5,"global":false}' } : { status: 204 });
    const { result, sleeps } = await send('discord', '/api/webhooks/rl/t');
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(sleeps).toEqual([1500]);
  });

  it('429 with Retry-After in seconds or as an HTTP date is retried after it', async () => {
    chat.reply = (_p, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '7' }, body: 'rate_limited' } : { status: 200, body: 'ok' });
    expect((await send('slack', '/services/rl/seconds')).sleeps).toEqual([7000]);
    chat.reply = (_p, n) => (n === 1 ? { status: 429, headers: { 'retry-after': new Date(NOW + 3000).toUTCString() } } : { status: 200, body: 'ok' });
    expect((await send('slack', '/services/rl/date')).sleeps).toEqual([3000]);
  });

  it('waits a real Retry-After before retrying', async () => {
    chat.reply = (_p, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '0.25' } } : { status: 200, body: 'ok' });
    const started = Date.now();
    const result = await deliver(chatProviders.slack, channel('slack'), { url: `${chat.base}/services/real` }, sampleMessage(), {
      deadlineMs: Date.now() + 10_000,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('500 is retried with growing jittered backoff, then reported', async () => {
    chat.reply = () => ({ status: 500, body: 'upstream exploded' });
    const { result, sleeps } = await send('teams', '/workflows/down', undefined, { maxAttempts: 4 });
    expect(result).toMatchObject({ ok: false, attempts: 4, error: 'HTTP 500: upstream exploded' });
    expect(chat.on('/workflows/down')).toHaveLength(4);
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it('a provider rate-limit code is retried; other codes and 4xx are not', async () => {
    chat.reply = (_p, n) => ({ status: 200, body: n === 1 ? '{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}' : '{"errcode":0,"errmsg":"ok"}' });
    expect((await send('dingtalk', '/robot/too-fast')).result).toMatchObject({ ok: true, attempts: 2 });
    chat.reply = () => ({ status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' });
    expect((await send('dingtalk', '/robot/bad-sign', 'x')).result).toMatchObject({ ok: false, attempts: 1, error: 'errcode 310000: sign not match' });
    chat.reply = () => ({ status: 404, body: 'no_service' });
    expect((await send('slack', '/services/gone')).result).toMatchObject({ ok: false, attempts: 1, error: 'HTTP 404: no_service' });
  });

  it('never waits past the deadline: a Retry-After beyond it ends the delivery', async () => {
    chat.reply = () => ({ status: 429, headers: { 'retry-after': '120' } });
    const { result, sleeps } = await send('slack', '/services/later', undefined, { deadlineMs: NOW + 30_000 });
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(result.ok ? '' : result.error).toMatch(/would pass the deadline/);
    expect(sleeps).toEqual([]);
  });

  it('a chat that never answers is abandoned at the attempt timeout, and the error hides the URL', async () => {
    chat.reply = () => 'hang';
    const started = Date.now();
    const result = await deliver(chatProviders.webhook, channel('webhook'), { url: `${chat.base}/hooks/hang?token=s3cr3t` }, sampleMessage(), {
      deadlineMs: Date.now() + 400,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      attemptTimeoutMs: 150,
    });
    expect(result.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.ok ? '' : result.error).not.toContain('s3cr3t');
  });
});

describe('the relay handler', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  afterAll(() => secretsManager.restore());

  it('delivers to every wanted channel, reports the one that is down, and never re-sends on the retry', async () => {
    const urls: Record<string, string> = {
      'zk/team-slack': `${chat.base}/services/team`,
      'zk/ops-discord': `${chat.base}/api/webhooks/ops/t`,
      'zk/cn-dingtalk': `${chat.base}/robot/cn?access_token=t`,
      'zk/warnings-only': `${chat.base}/hooks/warnings`,
    };
    secretsManager.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => ({ SecretString: JSON.stringify({ url: urls[input.SecretId], secret: 'SECx' }) }));
    let dingtalkDown = true;
    chat.reply = (path) => {
      if (path === '/robot/cn') return dingtalkDown ? { status: 503, body: 'maintenance' } : { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
      if (path === '/api/webhooks/ops/t') return { status: 204 };
      return { status: 200, body: 'ok' };
    };
    const channels: ChannelConfig[] = [
      { name: 'team-slack', kind: 'slack', secretId: 'zk/team-slack' },
      { name: 'ops-discord', kind: 'discord', secretId: 'zk/ops-discord', ensembles: ['prod-zk'] },
      { name: 'cn-dingtalk', kind: 'dingtalk', secretId: 'zk/cn-dingtalk' },
      { name: 'warnings-only', kind: 'webhook', secretId: 'zk/warnings-only', severities: ['warning'] },
    ];
    const { options } = clock();
    const handler = createRelayHandler({
      channels,
      secrets: new WebhookSecrets({ client: new SecretsManagerClient({ region: 'us-east-1' }) }),
      ledger: new MemoryDeliveryLedger(),
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      now: options.now,
      sleep: options.sleep,
    });
    const event = { Records: [{ Sns: { MessageId: 'sns-1', Message: JSON.stringify(sampleMessage()) } }] } as unknown as SNSEvent;
    const context = { getRemainingTimeInMillis: () => 30_000 };

    await expect(handler(event, context)).rejects.toThrow('delivery failed for 1 channel(s): cn-dingtalk (message sns-1)');
    expect(chat.on('/services/team')).toHaveLength(1);
    expect(chat.on('/api/webhooks/ops/t')).toHaveLength(1);
    expect(chat.on('/robot/cn').length).toBeGreaterThan(1);
    expect(chat.on('/hooks/warnings')).toHaveLength(0);

    dingtalkDown = false;
    const before = chat.on('/robot/cn').length;
    await handler(event, context);
    expect(chat.on('/robot/cn')).toHaveLength(before + 1);
    expect(chat.on('/services/team')).toHaveLength(1);
    expect(chat.on('/api/webhooks/ops/t')).toHaveLength(1);
  });
});
