import { expect } from 'vitest';
import type { GoogleChatBody } from '../../../functions/adapters/chat/google-chat/render.ts';
import { utf8Length } from '../../../functions/core/deliver/escape.ts';
import { expectTrimmed, oversizedMessage } from './messages.ts';
import { providerTable, serverError, severityCases } from './provider-table.ts';

const CREATED = { status: 200, body: '{"name":"spaces/x/messages/y"}' };
/** The first section's paragraph: the severity word in its colour. */
const severity = (body: GoogleChatBody) => {
  const widget = body.cardsV2[0]?.card.sections[0]?.widgets[0];
  return widget !== undefined && 'textParagraph' in widget ? widget.textParagraph.text : undefined;
};

providerTable<GoogleChatBody>('google-chat', '/v1/spaces/x/messages', [
  {
    name: 'a cardsV2 message',
    replies: [CREATED],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body).toMatchObject({ cardsV2: [expect.objectContaining({ cardId: 'zk-lookout-alert' })] });
      expect(body).not.toHaveProperty('text');
    },
  },
  ...severityCases<GoogleChatBody, string>(
    { alarm: '<font color="#d32f2f"><b>ALARM</b></font>', warning: '<font color="#f9a825"><b>WARNING</b></font>', resolved: '<font color="#2e7d32"><b>RESOLVED</b></font>' },
    (body, mark) => expect(severity(body)).toBe(mark),
    [CREATED],
  ),
  {
    name: 'oversized: within 32,000 bytes, the rest counted',
    message: oversizedMessage,
    replies: [CREATED],
    check: ({ result, requests }) => {
      expect(result.ok).toBe(true);
      expect(utf8Length(requests[0]!.body)).toBeLessThanOrEqual(32_000);
      expectTrimmed(requests[0]!.body);
    },
  },
  serverError(503, '{"error":{"code":503,"status":"UNAVAILABLE"}}'),
  {
    name: 'rate-limited: 429 RESOURCE_EXHAUSTED without Retry-After is retried after the backoff',
    replies: [{ status: 429, headers: { 'content-type': 'application/json' }, body: '{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}' }, CREATED],
    check: ({ result, sleeps }) => {
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(sleeps).toEqual([250]);
    },
  },
]);
