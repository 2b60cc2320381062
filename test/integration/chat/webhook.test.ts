import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import type { WebhookBody } from '../../../functions/adapters/chat/webhook/render.ts';
import { NOW } from './fake-clock.ts';
import { oversizedMessage, resolvedMessage, warningMessage } from './messages.ts';
import { providerTable } from './provider-table.ts';

providerTable<WebhookBody>('webhook', '/hooks/zk', [
  {
    name: 'alarm: the structured message and an escaped text line',
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body).toMatchObject({ source: 'zk-lookout', type: 'alert', message: { ensembleName: 'prod-zk', severity: 'alarm' } });
      expect(body.text.startsWith('\\[ALARM\\] prod-zk')).toBe(true);
    },
  },
  {
    name: 'warning',
    message: warningMessage,
    check: ({ body }) => {
      expect(body.message.severity).toBe('warning');
      expect(body.text.startsWith('\\[WARNING\\] prod-zk')).toBe(true);
    },
  },
  {
    name: 'resolved',
    message: resolvedMessage,
    check: ({ body }) => {
      expect(body.message.severity).toBe('resolved');
      expect(body.text.startsWith('\\[RESOLVED\\] prod-zk')).toBe(true);
    },
  },
  {
    name: 'oversized: every change for programs, the text line within 400 characters',
    message: oversizedMessage,
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.message.changes).toHaveLength(300);
      expect(body.text.length).toBeLessThanOrEqual(400);
    },
  },
  {
    name: 'signed: X-Zk-Lookout-Signature = sha256=hex(HMAC-SHA256(secret, "timestamp.body"))',
    secret: 'hook-secret',
    check: ({ result, requests, body }) => {
      expect(result.ok).toBe(true);
      const req = requests[0];
      const timestamp = String(req?.headers['x-zk-lookout-timestamp']);
      expect(timestamp).toBe(String(Math.floor(NOW / 1000)));
      expect(req?.headers['x-zk-lookout-signature']).toBe(`sha256=${createHmac('sha256', 'hook-secret').update(`${timestamp}.${req?.body}`).digest('hex')}`);
      expect(body).toMatchObject({ source: 'zk-lookout', type: 'alert', message: { ensembleName: 'prod-zk' } });
    },
  },
  {
    name: 'unsigned: no signature headers without a secret',
    path: '/hooks/plain',
    check: ({ requests }) => expect(requests[0]?.headers).not.toHaveProperty('x-zk-lookout-signature'),
  },
  {
    name: 'server error: 500 retried, then reported',
    replies: [{ status: 500, body: 'receiver down' }],
    maxAttempts: 3,
    check: ({ result, requests }) => {
      expect(result).toMatchObject({ ok: false, attempts: 3, error: 'HTTP 500: receiver down' });
      expect(requests).toHaveLength(3);
    },
  },
  {
    name: 'rate-limited: 429 retried after Retry-After',
    replies: [{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }],
    check: ({ result, sleeps }) => {
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(sleeps).toEqual([1000]);
    },
  },
]);
