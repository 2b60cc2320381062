import { expect } from 'vitest';
import type { SlackBody } from '../../../functions/adapters/chat/slack/render.ts';
import { NOW } from './fake-clock.ts';
import { OMITTED, oversizedMessage, resolvedMessage, warningMessage } from './messages.ts';
import { providerTable } from './provider-table.ts';

const contextText = (body: SlackBody) => body.blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : [])).join('\n');

providerTable<SlackBody>('slack', '/services/T1/B1/x', [
  {
    name: 'alarm: blocks posted as JSON, "ok" accepted',
    check: ({ result, requests, body }) => {
      expect(result).toMatchObject({ ok: true, attempts: 1 });
      expect(requests[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(body).toMatchObject({ text: expect.stringContaining('prod-zk') as unknown, blocks: expect.arrayContaining([expect.objectContaining({ type: 'header' })]) as unknown });
      expect(body.text.startsWith(':rotating_light: ')).toBe(true);
      expect(contextText(body)).toContain('*ALARM*');
    },
  },
  {
    name: 'warning',
    message: warningMessage,
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.text.startsWith(':warning: ')).toBe(true);
      expect(contextText(body)).toContain('*WARNING*');
    },
  },
  {
    name: 'resolved',
    message: resolvedMessage,
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.text.startsWith(':white_check_mark: ')).toBe(true);
      expect(contextText(body)).toContain('*RESOLVED*');
    },
  },
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
      expect(JSON.stringify(body)).toContain('zk0:2181');
      expect(contextText(body)).toMatch(OMITTED);
    },
  },
  {
    name: 'server error: 500 retried, then reported',
    replies: [{ status: 500, body: 'upstream exploded' }],
    maxAttempts: 3,
    check: ({ result, requests }) => {
      expect(result).toMatchObject({ ok: false, attempts: 3, error: 'HTTP 500: upstream exploded' });
      expect(requests).toHaveLength(3);
    },
  },
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
