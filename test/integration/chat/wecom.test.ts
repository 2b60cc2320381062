import { expect } from 'vitest';
import type { WeComBody } from '../../../functions/adapters/chat/wecom/render.ts';
import { OMITTED, oversizedMessage, resolvedMessage, warningMessage } from './messages.ts';
import { providerTable } from './provider-table.ts';

const SUCCESS = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };

providerTable<WeComBody>('wecom', '/cgi-bin/webhook/send?key=k', [
  {
    name: 'alarm: markdown within 4096 bytes; errcode 0 accepted',
    replies: [SUCCESS],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.msgtype).toBe('markdown');
      expect(Buffer.byteLength(body.markdown.content)).toBeLessThanOrEqual(4096);
      expect(body.markdown.content).toContain('<font color="warning">**ALARM**</font>');
    },
  },
  {
    name: 'warning',
    message: warningMessage,
    replies: [SUCCESS],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.markdown.content).toContain('<font color="comment">**WARNING**</font>');
    },
  },
  {
    name: 'resolved',
    message: resolvedMessage,
    replies: [SUCCESS],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.markdown.content).toContain('<font color="info">**RESOLVED**</font>');
    },
  },
  {
    name: 'oversized: content within 4096 bytes, the rest counted',
    message: oversizedMessage,
    replies: [SUCCESS],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(Buffer.byteLength(body.markdown.content)).toBeLessThanOrEqual(4096);
      expect(body.markdown.content).toContain('zk0:2181');
      expect(body.markdown.content).toMatch(OMITTED);
    },
  },
  {
    name: 'refused: an invalid key (errcode 93000) is not retried',
    replies: [{ status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' }],
    check: ({ result }) => expect(result).toMatchObject({ ok: false, attempts: 1, error: 'errcode 93000: invalid webhook url' }),
  },
  {
    name: 'server error: 502 retried, then reported',
    replies: [{ status: 502, body: 'bad gateway' }],
    maxAttempts: 3,
    check: ({ result, requests }) => {
      expect(result).toMatchObject({ ok: false, attempts: 3, error: 'HTTP 502: bad gateway' });
      expect(requests).toHaveLength(3);
    },
  },
  {
    name: 'rate-limited: errcode 45009 is retried',
    replies: [{ status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' }, SUCCESS],
    check: ({ result, sleeps }) => {
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(sleeps).toEqual([250]);
    },
  },
]);
