import { expect } from 'vitest';
import type { GoogleChatBody } from '../../../functions/adapters/chat/google-chat/render.ts';
import { utf8Length } from '../../../functions/core/deliver/escape.ts';
import { OMITTED, oversizedMessage, resolvedMessage, warningMessage } from './messages.ts';
import { providerTable } from './provider-table.ts';

const CREATED = { status: 200, body: '{"name":"spaces/x/messages/y"}' };
/** The first section's paragraph: the severity word in its colour. */
const severity = (body: GoogleChatBody) => {
  const widget = body.cardsV2[0]?.card.sections[0]?.widgets[0];
  return widget !== undefined && 'textParagraph' in widget ? widget.textParagraph.text : undefined;
};

providerTable<GoogleChatBody>('google-chat', '/v1/spaces/x/messages', [
  {
    name: 'alarm: a cardsV2 message',
    replies: [CREATED],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body).toMatchObject({ cardsV2: [expect.objectContaining({ cardId: 'zk-lookout-alert' })] });
      expect(body).not.toHaveProperty('text');
      expect(severity(body)).toBe('<font color="#d32f2f"><b>ALARM</b></font>');
    },
  },
  {
    name: 'warning',
    message: warningMessage,
    replies: [CREATED],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(severity(body)).toBe('<font color="#f9a825"><b>WARNING</b></font>');
    },
  },
  {
    name: 'resolved',
    message: resolvedMessage,
    replies: [CREATED],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(severity(body)).toBe('<font color="#2e7d32"><b>RESOLVED</b></font>');
    },
  },
  {
    name: 'oversized: within 32,000 bytes, the rest counted',
    message: oversizedMessage,
    replies: [CREATED],
    check: ({ result, requests }) => {
      expect(result.ok).toBe(true);
      expect(utf8Length(requests[0]!.body)).toBeLessThanOrEqual(32_000);
      expect(requests[0]!.body).toContain('zk0:2181');
      expect(requests[0]!.body).toMatch(OMITTED);
    },
  },
  {
    name: 'server error: 503 retried, then reported',
    replies: [{ status: 503, body: '{"error":{"code":503,"status":"UNAVAILABLE"}}' }],
    maxAttempts: 3,
    check: ({ result, requests }) => {
      expect(result).toMatchObject({ ok: false, attempts: 3, error: 'HTTP 503: {"error":{"code":503,"status":"UNAVAILABLE"}}' });
      expect(requests).toHaveLength(3);
    },
  },
  {
    name: 'rate-limited: 429 RESOURCE_EXHAUSTED without Retry-After is retried after the backoff',
    replies: [{ status: 429, headers: { 'content-type': 'application/json' }, body: '{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}' }, CREATED],
    check: ({ result, sleeps }) => {
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(sleeps).toEqual([250]);
    },
  },
]);
