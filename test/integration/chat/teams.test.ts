import { expect } from 'vitest';
import type { TeamsBody } from '../../../functions/adapters/chat/teams/render.ts';
import { utf8Length } from '../../../functions/core/deliver/escape.ts';
import { expectTrimmed, oversizedMessage } from './messages.ts';
import { providerTable, severityCases } from './provider-table.ts';

const ACCEPTED = { status: 202 };
const card = (body: TeamsBody) => body.attachments[0]!.content;
/** The title block's colour and the Severity fact: how a card shows its severity. */
const severity = (body: TeamsBody) => {
  const [title, facts] = card(body).body;
  return { color: title?.type === 'TextBlock' ? title.color : undefined, fact: facts?.type === 'FactSet' ? facts.facts.find((f) => f.title === 'Severity')?.value : undefined };
};

providerTable<TeamsBody>('teams', '/workflows/abc', [
  {
    name: 'an Adaptive Card attachment, 202 accepted',
    replies: [ACCEPTED],
    check: ({ result, body }) => {
      expect(result.ok).toBe(true);
      expect(body.type).toBe('message');
      expect(body.attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4' } });
      expect(card(body).actions.map((a) => a.title)).toEqual(['Dashboard', 'Runbook']);
    },
  },
  ...severityCases<TeamsBody, ReturnType<typeof severity>>(
    { alarm: { color: 'Attention', fact: 'ALARM' }, warning: { color: 'Warning', fact: 'WARNING' }, resolved: { color: 'Good', fact: 'RESOLVED' } },
    (body, mark) => expect(severity(body)).toEqual(mark),
    [ACCEPTED],
  ),
  {
    name: 'oversized: within 28 KB, the rest counted',
    message: oversizedMessage,
    replies: [ACCEPTED],
    check: ({ result, requests }) => {
      expect(result.ok).toBe(true);
      expect(utf8Length(requests[0]!.body)).toBeLessThanOrEqual(28_000);
      expectTrimmed(requests[0]!.body);
    },
  },
  {
    name: 'server error: 500 retried with growing jittered backoff, then reported',
    path: '/workflows/down',
    replies: [{ status: 500, body: 'upstream exploded' }],
    maxAttempts: 4,
    check: ({ result, requests, sleeps }) => {
      expect(result).toMatchObject({ ok: false, attempts: 4, error: 'HTTP 500: upstream exploded' });
      expect(requests).toHaveLength(4);
      expect(sleeps).toEqual([250, 500, 1000]);
    },
  },
  {
    name: 'rate-limited: 429 retried after Retry-After',
    replies: [{ status: 429, headers: { 'retry-after': '2' } }, ACCEPTED],
    check: ({ result, sleeps }) => {
      expect(result).toMatchObject({ ok: true, attempts: 2 });
      expect(sleeps).toEqual([2000]);
    },
  },
  {
    name: 'refused: a 400 (a card the flow rejects) is not retried',
    replies: [{ status: 400, body: 'Bad Request' }],
    check: ({ result }) => expect(result).toMatchObject({ ok: false, attempts: 1, error: 'HTTP 400: Bad Request' }),
  },
]);
