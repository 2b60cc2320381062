import { expect } from 'vitest';
import type { DiscordBody } from '../../../functions/adapters/chat/discord/render.ts';
import { expectTrimmed, oversizedMessage } from './messages.ts';
import { providerTable, serverError, severityCases } from './provider-table.ts';

const NO_CONTENT = { status: 204 };
const RATE_LIMITED = { status: 429, headers: { 'content-type': 'application/json' }, body: '{"message":"You are being rate limited.","retry_after":1.5,"global":false}' };

providerTable<DiscordBody>('discord', '/api/webhooks/1/t', [
  {
    name: 'an embed with mentions disabled, 204 accepted',
    replies: [NO_CONTENT],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body).toMatchObject({ allowed_mentions: { parse: [] }, embeds: [expect.objectContaining({ color: 0xd32f2f })] });
    },
  },
  ...severityCases<DiscordBody, [number, string]>(
    { alarm: [0xd32f2f, 'ALARM'], warning: [0xf9a825, 'WARNING'], resolved: [0x2e7d32, 'RESOLVED'] },
    (body, [color, label]) => {
      expect(body.embeds[0]?.color).toBe(color);
      expect(body.embeds[0]?.description).toContain(`**${label}**`);
    },
    [NO_CONTENT],
  ),
  {
    name: 'oversized: within the embed limits, the rest counted',
    message: oversizedMessage,
    replies: [NO_CONTENT],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.content.length).toBeLessThanOrEqual(2000);
      for (const e of body.embeds) {
        expect(e.title.length).toBeLessThanOrEqual(256);
        expect(e.description.length).toBeLessThanOrEqual(4096);
        expect(e.title.length + e.description.length + e.footer.text.length).toBeLessThanOrEqual(6000);
      }
      expectTrimmed(body.embeds[0]?.description);
    },
  },
  serverError(502, 'bad gateway'),
  {
    name: 'rate-limited: 429 with a JSON retry_after (fractional seconds) is retried after it',
    path: '/api/webhooks/rl/t',
    replies: [RATE_LIMITED, NO_CONTENT],
    check: ({ result, sleeps }) => {
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(sleeps).toEqual([1500]);
    },
  },
  {
    name: 'refused: an unknown webhook (404) is not retried',
    replies: [{ status: 404, body: '{"message":"Unknown Webhook","code":10015}' }],
    check: ({ result }) => expect(result).toMatchObject({ ok: false, attempts: 1, error: 'HTTP 404: {"message":"Unknown Webhook","code":10015}' }),
  },
]);
