import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import type { WebhookBody } from '../../../functions/adapters/chat/webhook/render.ts';
import { NOW } from './fake-clock.ts';
import { oversizedMessage } from './messages.ts';
import { providerTable, serverError, severityCases } from './provider-table.ts';

providerTable<WebhookBody>('webhook', '/hooks/zk', [
  {
    name: 'the structured message and an escaped text line',
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body).toMatchObject({ source: 'zk-lookout', type: 'alert', message: { ensembleName: 'prod-zk' } });
    },
  },
  // The text line is escaped markdown: the title's brackets carry backslashes.
  ...severityCases<WebhookBody, [string, string]>({ alarm: ['alarm', 'ALARM'], warning: ['warning', 'WARNING'], resolved: ['resolved', 'RESOLVED'] }, (body, [severity, label]) => {
    expect(body.message.severity).toBe(severity);
    expect(body.text.startsWith(`\\[${label}\\] prod-zk`)).toBe(true);
  }),
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
  serverError(500, 'receiver down'),
  {
    name: 'rate-limited: 429 retried after Retry-After',
    replies: [{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }],
    check: ({ result, sleeps }) => {
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(sleeps).toEqual([1000]);
    },
  },
]);
