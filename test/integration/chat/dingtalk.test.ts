import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import type { DingTalkBody } from '../../../functions/adapters/chat/dingtalk/render.ts';
import { utf8Length } from '../../../functions/core/deliver/escape.ts';
import { NOW } from './fake-clock.ts';
import { expectTrimmed, oversizedMessage } from './messages.ts';
import { providerTable, serverError, severityCases } from './provider-table.ts';

const SUCCESS = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
const query = (path: string | undefined) => new URLSearchParams(path?.split('?')[1] ?? '');

providerTable<DingTalkBody>('dingtalk', '/robot/send?access_token=tok', [
  {
    name: 'markdown that mentions nobody',
    replies: [SUCCESS],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body).toMatchObject({ msgtype: 'markdown', at: { isAtAll: false } });
    },
  },
  ...severityCases<DingTalkBody, string>(
    { alarm: '<font color="#d32f2f">**ALARM**</font>', warning: '<font color="#f9a825">**WARNING**</font>', resolved: '<font color="#2e7d32">**RESOLVED**</font>' },
    (body, mark) => expect(body.markdown.text).toContain(mark),
    [SUCCESS],
  ),
  {
    name: 'oversized: markdown within 20,000 bytes, the rest counted',
    message: oversizedMessage,
    replies: [SUCCESS],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(utf8Length(body.markdown.text)).toBeLessThanOrEqual(20_000);
      expectTrimmed(body.markdown.text);
    },
  },
  {
    name: 'signed: timestamp (ms) and sign = urlencode(base64(HMAC-SHA256(secret, "timestamp\\nsecret"))) in the query',
    secret: 'SECdingtalk',
    replies: [SUCCESS],
    check: ({ result, requests, body }) => {
      expect(result.ok).toBe(true);
      const rawQuery = requests[0]?.path.split('?')[1] ?? '';
      expect(query(requests[0]?.path).get('access_token')).toBe('tok');
      expect(query(requests[0]?.path).get('timestamp')).toBe(String(NOW));
      const expected = createHmac('sha256', 'SECdingtalk').update(`${NOW}\nSECdingtalk`).digest('base64');
      expect(rawQuery).toContain(`sign=${encodeURIComponent(expected)}`);
      expect(body).toMatchObject({ msgtype: 'markdown', at: { isAtAll: false } });
    },
  },
  {
    name: 'unsigned without a secret: the URL as configured',
    replies: [SUCCESS],
    check: ({ requests }) => expect([...query(requests[0]?.path).keys()]).toEqual(['access_token']),
  },
  {
    name: 'refused: a bad signature (errcode 310000) is not retried',
    path: '/robot/bad-sign',
    secret: 'x',
    replies: [{ status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' }],
    check: ({ result }) => expect(result).toMatchObject({ ok: false, attempts: 1, error: 'errcode 310000: sign not match' }),
  },
  serverError(503, 'maintenance'),
  {
    name: 'rate-limited: errcode 130101 ("send too fast") is retried',
    path: '/robot/too-fast',
    replies: [{ status: 200, body: '{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}' }, SUCCESS],
    check: ({ result, sleeps }) => {
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(sleeps).toEqual([250]);
    },
  },
  {
    name: 'rate-limited: errcode 410100 is retried too',
    replies: [{ status: 200, body: '{"errcode":410100,"errmsg":"send too fast"}' }, SUCCESS],
    check: ({ result }) => expect(result).toMatchObject({ ok: true, attempts: 2 }),
  },
]);
