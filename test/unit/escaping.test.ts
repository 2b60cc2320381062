import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import { escapeHtml, escapeMarkdown, escapeMarkdownEntities, escapeSlack, plainInline, truncateBytes, truncateChars, utf8Length } from '../../functions/core/deliver/escape.ts';
import { renderChatbot } from '../../functions/core/deliver/render-chatbot.ts';
import { chatProviders } from '../../functions/adapters/chat/index.ts';
import { sampleMessage, transition } from '../support/alert-fixtures.ts';
import { buildAlertMessage } from '../../functions/core/deliver/build-alert-message.ts';
import type { SlackBody } from '../../functions/adapters/chat/slack/render.ts';
import type { DiscordBody } from '../../functions/adapters/chat/discord/render.ts';
import type { DingTalkBody } from '../../functions/adapters/chat/dingtalk/render.ts';
import type { WeComBody } from '../../functions/adapters/chat/wecom/render.ts';
import type { WebhookBody } from '../../functions/adapters/chat/webhook/render.ts';

/** Every string a chat would read (the webhook's structured `message` is data for programs, not chat text). */
function chatText(kind: string, body: unknown): string[] {
  const leaves: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (kind === 'webhook' && key === 'message') return;
    if (typeof v === 'string') leaves.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(body);
  return leaves;
}

/** `@all`, `@here`, `<!channel>`, `<@U1>`, `<users/all>`, `<at id=all>`: any of these, unbroken, could notify people. */
const MENTION = [/@[\p{L}\p{N}_]/u, /<[!#@]/, /<users\//i, /<at[\s>]/i];
/** The strings a chat reads as HTML or tag-bearing markdown (plain_text titles are shown as typed). */
function htmlText(kind: string, body: unknown): string[] {
  if (kind === 'google-chat') return chatText(kind, (body as { cardsV2: { card: { sections: unknown } }[] }).cardsV2.map((c) => c.card.sections));
  if (kind === 'feishu') return JSON.stringify(body).match(/"tag":"lark_md","content":"(?:[^"\\]|\\.)*"/g) ?? [];
  return [];
}
const bytes = (body: unknown) => utf8Length(JSON.stringify(body));

/** Each renderer's documented limits, checked on the finished body. */
const LIMITS: Record<string, (body: unknown) => void> = {
  slack: (b) => {
    const body = b as SlackBody;
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    for (const block of body.blocks) {
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
      if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
      if (block.type === 'context') for (const e of block.elements) expect(e.text.length).toBeLessThanOrEqual(3000);
    }
  },
  discord: (b) => {
    const body = b as DiscordBody;
    expect(body.content.length).toBeLessThanOrEqual(2000);
    for (const e of body.embeds) {
      expect(e.title.length).toBeLessThanOrEqual(256);
      expect(e.description.length).toBeLessThanOrEqual(4096);
      expect(e.title.length + e.description.length + e.footer.text.length).toBeLessThanOrEqual(6000);
    }
    expect(body.allowed_mentions).toEqual({ parse: [] });
  },
  teams: (b) => expect(bytes(b)).toBeLessThanOrEqual(28_000),
  'google-chat': (b) => expect(bytes(b)).toBeLessThanOrEqual(32_000),
  feishu: (b) => expect(bytes(b)).toBeLessThanOrEqual(20_000 - 200),
  dingtalk: (b) => expect(utf8Length((b as DingTalkBody).markdown.text)).toBeLessThanOrEqual(20_000),
  wecom: (b) => expect(utf8Length((b as WeComBody).markdown.content)).toBeLessThanOrEqual(4096),
  webhook: (b) => expect((b as WebhookBody).text.length).toBeLessThanOrEqual(400),
  chatbot: (b) => {
    const body = b as ReturnType<typeof renderChatbot>;
    expect(body.content.title.length).toBeLessThanOrEqual(250);
    expect(body.content.description.length).toBeLessThanOrEqual(3000);
  },
};

const renderers: [string, (msg: AlertMessage) => unknown][] = [...Object.entries(chatProviders).map(([k, p]) => [k, (m: AlertMessage) => p.render(m)] as [string, (msg: AlertMessage) => unknown]), ['chatbot', renderChatbot]];

function assertSafe(kind: string, body: unknown) {
  for (const text of chatText(kind, body)) for (const re of MENTION) expect(text, `${kind}: ${re} in ${text.slice(0, 200)}`).not.toMatch(re);
  LIMITS[kind]?.(body);
}

const HOSTILE = {
  markdown: 'prod_*zk*_`x`~~y~~[click](https://evil.example)|',
  slack: '<!channel> <!here> <@U123ABC> <!subteam^S1> <#C1>',
  at: '@all @here @everyone @channel @13800000000',
  others: '<users/all> <at id=all></at> <@&123> <@!42>',
  html: '<b>bold</b><script>alert(1)</script>&amp;<font color="warning">x</font>',
  lines: 'line1\n# pwned\n> quote\n- list\r\n---',
  big: 'A'.repeat(10 * 1024),
  cjk: '中文'.repeat(2000),
  emoji: '😀'.repeat(3000),
};

describe('every renderer with hostile names', () => {
  for (const [kind, render] of renderers) {
    it.each(Object.entries(HOSTILE))(`${kind}: %s cannot mention, inject or overflow`, (_name, hostile) => {
      const body = render(sampleMessage(`zk-${hostile}`, hostile));
      assertSafe(kind, body);
      for (const text of chatText(kind, body)) {
        // A name cannot start a line of its own (a heading, a quote, a list item).
        expect(text).not.toMatch(/(^|\n)\s*(#|>|-) ?(pwned|quote|list)/);
      }
      for (const text of htmlText(kind, body)) expect(text).not.toMatch(/<(script|b>bold|font color="warning">x)/);
    });
  }

  it('slack keeps its layout: the same blocks whatever the names', () => {
    const shape = (m: AlertMessage) => (chatProviders.slack.render(m) as SlackBody).blocks.map((b) => b.type);
    const plain = shape(sampleMessage());
    for (const hostile of Object.values(HOSTILE)) expect(shape(sampleMessage(`zk-${hostile}`, hostile))).toEqual(plain);
  });

  it('keeps the most important changes and says how many were left out when there are too many', () => {
    const many = buildAlertMessage({
      ensembleName: 'prod-zk',
      roundId: 'r',
      evaluatedAt: '2024-05-01T10:00:00.000Z',
      transitions: Array.from({ length: 300 }, (_, i) => transition({ alertKey: `server-down:zk${i}`, alertName: 'server-down', server: `zk${i}:2181`, summary: `zk${i} down ${'x'.repeat(300)}` })),
    });
    if (many === undefined) throw new Error('fixture');
    for (const [kind, render] of renderers) {
      const body = render(many);
      assertSafe(kind, body);
      const text = chatText(kind, body).join('\n');
      if (kind === 'webhook') {
        expect((body as WebhookBody).message.changes).toHaveLength(300);
        continue;
      }
      expect(text, kind).toContain('zk0:2181');
      expect(text, kind).toMatch(/more changes? not shown/);
    }
  });
});

describe('random names (property)', () => {
  const token = fc.constantFrom('<!channel>', '<!here>', '@all', '@here', '@everyone', '@channel', '<@U1>', '<users/all>', '<at id=all>', '*', '_', '`', '~', '<', '>', '&', '\n', '#', '\\', '@', '[', ']');
  const name = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), token), { maxLength: 30 }).map((parts) => parts.join(''));

  it('never lets a mention through and never exceeds a limit', () => {
    fc.assert(
      fc.property(name, name, (ensemble, label) => {
        const msg = sampleMessage(ensemble === '' ? 'e' : ensemble, label);
        for (const [kind, render] of renderers) assertSafe(kind, render(msg));
      }),
      { numRuns: 150 },
    );
  });

  it('each escaper output is mention-free and single-line', () => {
    fc.assert(
      fc.property(name, (value) => {
        for (const escape of [plainInline, escapeSlack, escapeMarkdown, escapeMarkdownEntities, escapeHtml]) {
          const out = escape(value);
          expect(out).not.toMatch(/[\n\r]/);
          for (const re of MENTION) expect(out).not.toMatch(re);
        }
      }),
    );
  });
});

describe('truncation', () => {
  it('cuts UTF-8 by bytes on a code point boundary, with an ellipsis', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 3, max: 400 }), (value, max) => {
        const out = truncateBytes(value, max);
        expect(utf8Length(out)).toBeLessThanOrEqual(Math.max(max, utf8Length(value) <= max ? 0 : 3));
        expect(out).not.toMatch(/[\uD800-\uDFFF](?![\uDC00-\uDFFF])/u);
        if (out !== value) {
          expect(out.endsWith('…')).toBe(true);
          expect(value.startsWith(out.slice(0, -1))).toBe(true);
        }
      }),
    );
    expect(truncateBytes('中文中文', 8)).toBe('中…');
  });

  it('cuts characters without splitting a surrogate pair', () => {
    expect(truncateChars('😀😀😀', 4)).toBe('😀…');
    expect(truncateChars('abc', 3)).toBe('abc');
    expect(truncateChars('abcdef', 4)).toBe('abc…');
  });

  it('escapes per target', () => {
    expect(escapeSlack('a & <b> *c*')).toBe('a &amp; &lt;b&gt; \u200B*c\u200B*');
    expect(escapeMarkdown('# x_y _z_ [a](b)')).toBe('\\# x_y \\_z\\_ \\[a\\](b)');
    expect(escapeHtml(`<i>"'&`)).toBe('&lt;i&gt;&quot;&#39;&amp;');
    expect(plainInline('@here\nnext')).toBe('@\u200Bhere next');
  });
});
