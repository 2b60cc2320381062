import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import type { FeishuBody } from '../../../functions/adapters/chat/feishu/render.ts';
import { utf8Length } from '../../../functions/core/deliver/escape.ts';
import { NOW } from './fake-clock.ts';
import { expectTrimmed, oversizedMessage } from './messages.ts';
import { providerTable, serverError, severityCases } from './provider-table.ts';

const SUCCESS = { status: 200, body: '{"code":0,"msg":"success","data":{}}' };
type Signed = FeishuBody & { timestamp: string; sign: string };

providerTable<Signed>('feishu', '/open-apis/bot/v2/hook/h', [
  {
    name: 'an interactive card with a plain-text title',
    replies: [SUCCESS],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.msg_type).toBe('interactive');
      expect(body.card.header.title).toEqual({ tag: 'plain_text', content: expect.stringContaining('prod-zk') as unknown });
    },
  },
  ...severityCases<Signed, string>({ alarm: 'red', warning: 'orange', resolved: 'green' }, (body, template) => expect(body.card.header.template).toBe(template), [SUCCESS]),
  {
    name: 'oversized: within 20 KB with the signature fields, the rest counted',
    message: oversizedMessage,
    secret: 'feishu-secret',
    replies: [SUCCESS],
    check: ({ result, requests }) => {
      expect(result.ok).toBe(true);
      expect(utf8Length(requests[0]!.body)).toBeLessThanOrEqual(20_000);
      expectTrimmed(requests[0]!.body);
    },
  },
  {
    name: 'signed: sign = base64(HMAC-SHA256(key = "timestamp\\nsecret", message = ""))',
    secret: 'feishu-secret',
    replies: [SUCCESS],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.msg_type).toBe('interactive');
      expect(body.timestamp).toBe(String(Math.floor(NOW / 1000)));
      expect(body.sign).toBe(createHmac('sha256', `${body.timestamp}\nfeishu-secret`).update('').digest('base64'));
    },
  },
  {
    name: 'unsigned without a secret; a non-zero code is a refusal',
    path: '/open-apis/bot/v2/hook/u',
    replies: [{ status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' }],
    check: ({ result, body }) => {
      expect(body).not.toHaveProperty('sign');
      expect(result).toMatchObject({ ok: false, attempts: 1, error: expect.stringContaining('code 19021') as unknown });
    },
  },
  serverError(500, 'internal error'),
  {
    name: 'rate-limited: code 11232 in a 200 reply is retried after the backoff',
    replies: [{ status: 200, body: '{"code":11232,"msg":"frequency limited psm[lark.oapi.app_platform_runtime]appID[1]"}' }, SUCCESS],
    check: ({ result, requests, sleeps }) => {
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(requests).toHaveLength(2);
      expect(sleeps).toEqual([250]);
    },
  },
  {
    name: 'rate-limited: code 9499 ("too many requests") is retried too',
    replies: [{ status: 200, body: '{"code":9499,"msg":"Too Many Requests"}' }, SUCCESS],
    check: ({ result }) => expect(result).toMatchObject({ ok: true, attempts: 2 }),
  },
]);
