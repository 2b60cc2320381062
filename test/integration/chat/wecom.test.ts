import { expect } from 'vitest';
import type { WeComBody } from '../../../functions/adapters/chat/wecom/render.ts';
import { expectTrimmed, oversizedMessage } from './messages.ts';
import { providerTable, serverError, severityCases } from './provider-table.ts';

const SUCCESS = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };

providerTable<WeComBody>('wecom', '/cgi-bin/webhook/send?key=k', [
  {
    name: 'markdown within 4096 bytes; errcode 0 accepted',
    replies: [SUCCESS],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.msgtype).toBe('markdown');
      expect(Buffer.byteLength(body.markdown.content)).toBeLessThanOrEqual(4096);
    },
  },
  // WeCom markdown has three font colours; "warning" is its red.
  ...severityCases<WeComBody, string>(
    { alarm: '<font color="warning">**ALARM**</font>', warning: '<font color="comment">**WARNING**</font>', resolved: '<font color="info">**RESOLVED**</font>' },
    (body, mark) => expect(body.markdown.content).toContain(mark),
    [SUCCESS],
  ),
  {
    name: 'oversized: content within 4096 bytes, the rest counted',
    message: oversizedMessage,
    replies: [SUCCESS],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(Buffer.byteLength(body.markdown.content)).toBeLessThanOrEqual(4096);
      expectTrimmed(body.markdown.content);
    },
  },
  {
    name: 'refused: an invalid key (errcode 93000) is not retried',
    replies: [{ status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' }],
    check: ({ result }) => expect(result).toMatchObject({ ok: false, attempts: 1, error: 'errcode 93000: invalid webhook url' }),
  },
  serverError(504, 'gateway timeout'),
  {
    name: 'rate-limited: errcode 45009 is retried',
    replies: [{ status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' }, SUCCESS],
    check: ({ result, sleeps }) => {
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(sleeps).toEqual([250]);
    },
  },
]);
