/**
 * Server-supplied text is marked, capped and harmless wherever a person reads it: in the
 * `probe` table (no terminal escapes), and in every chat renderer and the email text
 * (marked ‹…›, at most 160 characters, links not clickable, mentions defused).
 */
import { describe, expect, it } from 'vitest';
import { formatRound } from '../../cli/format-round.ts';
import { checkAlarms } from '../../functions/core/evaluate/alarm-checks.ts';
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import { buildAlertMessage } from '../../functions/core/deliver/build-alert-message.ts';
import { renderChatbot } from '../../functions/core/deliver/render-chatbot.ts';
import { renderText } from '../../functions/core/deliver/render-text.ts';
import { assembleRound } from '../../functions/core/probe/assemble-round.ts';
import type { Transition } from '../../functions/contract/transition.ts';
import { breakLinks, serverText } from '../../functions/core/text/server-text.ts';
import { terminalSafe } from '../../functions/core/text/terminal-safe.ts';
import { chatProviders } from '../../functions/adapters/chat/index.ts';

const ESCAPES = '\u001b[2K\r\u001b]0;owned\u0007\u001b[32mleader all good\u001b[0m\u202e';
const LINK = 'see https://evil.example/login?u=ops and www.evil.example @here';

/** A round in which the AdminServer's `error` field carries escapes, a link and a mention. */
function hostileRound() {
  const json = { command: 'monitor', error: `${ESCAPES} ${LINK} ${'x'.repeat(5000)}` };
  return assembleRound({
    ensembleName: 'prod',
    roundId: 'r1',
    startedAt: '2026-03-01T12:00:00.000Z',
    durationMs: 5,
    timeoutMs: 3000,
    observations: [
      {
        address: '10.0.0.1:2181',
        words: { srvr: { ok: true, text: 'srvr is not executed because it is not in the whitelist.', ms: 1 }, mntr: { ok: true, text: 'mntr is not executed because it is not in the whitelist.', ms: 1 } },
        admin: { monitor: { ok: true, status: 200, text: JSON.stringify(json), json, ms: 1 } },
        durationMs: 2,
      },
    ],
    canary: { ok: false, steps: {}, totalMs: 1, error: { kind: 'client-error', step: 'create', message: ESCAPES } },
  });
}

describe('server text in the probe table', () => {
  it('prints no control character from a server: escapes become visible \\x1b', () => {
    const table = formatRound(hostileRound());
    expect(table).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(table).toContain('\\x1b[2K\\x0d');
    expect(table.split('\n')[1]).toMatch(/^10\.0\.0\.1:2181\s+unreachable/);
  });

  it('terminalSafe keeps newlines only when asked', () => {
    expect(terminalSafe('a\nb\u001b')).toBe('a\\x0ab\\x1b');
    expect(terminalSafe('a\nb\u001b', true)).toBe('a\nb\\x1b');
  });
});

describe('server text in alerts', () => {
  const round = hostileRound();
  const error = round.servers[0]!.error!;

  it('is marked ‹…› and capped where the probe records it', () => {
    expect(error.kind).toBe('admin-error');
    expect(error.message).toMatch(/^AdminServer said ‹.*›$/);
    expect(error.message.length).toBeLessThan(200);
    expect(serverText('a'.repeat(500))).toHaveLength(162);
  });

  const conditions = checkAlarms(round, { multiLeaderRounds: 0 }).conditions.filter((c) => c.state === 'raise');
  const transitions: Transition[] = conditions.map((c) => ({
    version: 1,
    ensembleName: 'prod',
    alertKey: c.alertKey,
    alertName: c.alertName,
    level: c.level,
    ...(c.server ? { server: c.server } : {}),
    change: 'fired',
    summary: c.summary,
    since: '2026-03-01T12:00:00.000Z',
    at: '2026-03-01T12:00:00.000Z',
    roundId: 'r1',
    signals: [],
    notify: true,
  }));
  const message = buildAlertMessage({ ensembleName: 'prod', roundId: 'r1', evaluatedAt: '2026-03-01T12:00:00.000Z', transitions }) as AlertMessage;
  const renderers: [string, (m: AlertMessage) => unknown][] = [
    ...Object.entries(chatProviders).map(([kind, p]): [string, (m: AlertMessage) => unknown] => [kind, (m) => p.render(m)]),
    ['chatbot', renderChatbot],
    ['email', renderText],
  ];

  it('covers all eight chat providers and the email text', () => expect(renderers.map(([k]) => k).sort()).toEqual(['chatbot', 'dingtalk', 'discord', 'email', 'feishu', 'google-chat', 'slack', 'teams', 'webhook', 'wecom']));

  it.each(renderers)('%s: marked, no live link, no mention, no escape', (kind, render) => {
    // The webhook's structured `message` is data for programs; its chat text is what a person reads.
    const body = render(message);
    const text = kind === 'webhook' ? JSON.stringify({ ...(body as object), message: undefined }) : typeof body === 'string' ? body : JSON.stringify(body);
    // Teams' card names its own schema URL: zk-lookout's, not the server's.
    const plain = text.replace(/\\u200b/gi, '\u200B').replace('"$schema":"http://adaptivecards.io/schemas/adaptive-card.json"', '');
    // The webhook's chat text is the title alone, which quotes no server text.
    if (kind !== 'webhook') expect(plain).toContain('‹');
    expect(plain).not.toMatch(/https?:\/\//);
    expect(plain).not.toMatch(/evil\.example/);
    // Email notifies nobody, so it keeps `@` as it is (render-text.ts).
    if (kind !== 'email') expect(plain).not.toMatch(/@here/);
    expect(plain).not.toContain('\u001b');
    expect(plain).not.toMatch(/\\u001b/i);
  });

  it('breakLinks leaves addresses and numbers readable', () => {
    expect(breakLinks('10.0.0.1:2181 took 0.5 ms')).toBe('10.0.0.1:2181 took 0.5 ms');
    expect(breakLinks('http://a.io')).toBe('http:\u200B//a\u200B.io');
  });
});
