import { expect } from 'vitest';
import type { SlackBody } from '../../../functions/adapters/chat/slack/render.ts';
import { NOW } from './fake-clock.ts';
import { expectTrimmed, oversizedMessage } from './messages.ts';
import { providerTable, serverError, severityCases } from './provider-table.ts';

const contextText = (body: SlackBody) => body.blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : [])).join('\n');

providerTable<SlackBody>('slack', '/services/T1/B1/x', [
  {
    name: 'blocks posted as JSON, "ok" accepted',
    check: ({ result, requests, body }) => {
      expect(result).toMatchObject({ ok: true, attempts: 1 });
      expect(requests[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(body).toMatchObject({ text: expect.stringContaining('prod-zk') as unknown, blocks: expect.arrayContaining([expect.objectContaining({ type: 'header' })]) as unknown });
    },
  },
  ...severityCases<SlackBody, [string, string]>({ alarm: [':rotating_light:', 'ALARM'], warning: [':warning:', 'WARNING'], resolved: [':white_check_mark:', 'RESOLVED'] }, (body, [emoji, label]) => {
    expect(body.text.startsWith(`${emoji} `)).toBe(true);
    expect(contextText(body)).toContain(`*${label}*`);
  }),
  {
    name: 'oversized: within 50 blocks and 3000 characters a section, the rest counted',
    message: oversizedMessage,
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.blocks.length).toBeLessThanOrEqual(50);
      for (const block of body.blocks) {
        if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
        if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
      }
      expectTrimmed(JSON.stringify(body));
    },
  },
  serverError(500, 'upstream exploded'),
  {
    name: 'rate-limited: 429 retried after Retry-After in seconds',
    replies: [{ status: 429, headers: { 'retry-after': '7' }, body: 'rate_limited' }, { status: 200, body: 'ok' }],
    check: ({ result, sleeps }) => {
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(sleeps).toEqual([7000]);
    },
  },
  {
    name: 'rate-limited: 429 retried after Retry-After as an HTTP date',
    replies: [{ status: 429, headers: { 'retry-after': new Date(NOW + 3000).toUTCString() } }, { status: 200, body: 'ok' }],
    check: ({ sleeps }) => expect(sleeps).toEqual([3000]),
  },
  {
    name: 'refused: a 4xx is not retried',
    path: '/services/gone',
    replies: [{ status: 404, body: 'no_service' }],
    check: ({ result }) => expect(result).toMatchObject({ ok: false, attempts: 1, error: 'HTTP 404: no_service' }),
  },
  {
    name: 'refused: a 2xx that is not "ok" is not retried',
    replies: [{ status: 200, body: 'invalid_payload' }],
    check: ({ result }) => expect(result).toMatchObject({ ok: false, attempts: 1, error: 'Slack replied: invalid_payload' }),
  },
]);
