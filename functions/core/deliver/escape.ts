/**
 * Text that reaches a chat comes partly from outside zk-lookout (ensemble and server
 * names, summaries quoting them). Every value a renderer puts into a provider's markup
 * goes through exactly one escaper here, so a name can neither mention people, nor
 * inject markup, nor add lines; sizes are capped with the helpers at the bottom.
 */

import { breakLinks } from '../text/server-text.ts';

/** U+200B: invisible, and it splits a mention token so no chat resolves it. */
export const ZERO_WIDTH_SPACE = '\u200B';
export const ELLIPSIS = '…';

/** Control characters and line breaks become a space: a value cannot add lines to a report. */
export function singleLine(value: string): string {
  return value.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ');
}

/**
 * One line of plain text with nothing that any provider treats as a mention:
 * control characters and line breaks become spaces (a value must not start a heading
 * or a list), `@word` (`@all`, `@here`, `@everyone`, `@channel`, `@138…`, `<@U1>`) gets a
 * zero-width space after the `@`, and `<` before `!`, `@`, `#`, `users/` or `at` (Slack
 * `<!channel>`, Google Chat `<users/all>`, Feishu `<at id=all>`) gets one after the `<`,
 * and links are broken (`breakLinks`): only configured links (`safeUrl`) are clickable.
 */
export function plainInline(value: string): string {
  // Values are names and summaries, which quote server text: no link in them may be live.
  return breakLinks(singleLine(value))
    .replace(/@(?=[\p{L}\p{N}_&!-])/gu, `@${ZERO_WIDTH_SPACE}`)
    .replace(/<(?=[!#@]|users\/|at[\s>])/gi, `<${ZERO_WIDTH_SPACE}`);
}

/**
 * Slack mrkdwn: `&`, `<`, `>` must be entities (Slack's only control characters, and
 * the way `<!channel>` is written); `*`, `_`, `~` and backticks get a zero-width space
 * in front so a name cannot open bold, italic, strike or code.
 */
export function escapeSlack(value: string): string {
  return plainInline(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (c) => `${ZERO_WIDTH_SPACE}${c}`);
}

/**
 * CommonMark-style markdown (Discord, Teams, DingTalk, WeCom, generic webhooks): a
 * backslash before every character that opens inline markup, and before a leading
 * character that would start a block (heading, quote, list). An underscore inside a
 * word cannot emphasise in CommonMark, so `prod_zk_1` stays readable.
 */
export function escapeMarkdown(value: string): string {
  return plainInline(value)
    .replace(/[\\*~`|[\]<>]/g, (c) => `\\${c}`)
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
    .replace(/^([#>+=-]|\d+[.)])/, '\\$1');
}

/**
 * Markdown that renders HTML entities but not backslash escapes (Feishu/Lark card
 * `lark_md`): markup characters become numeric character references.
 */
export function escapeMarkdownEntities(value: string): string {
  const entity = (c: string) => `&#${c.charCodeAt(0)};`;
  return plainInline(value)
    .replace(/[&<>*~`[\]\\]/g, entity)
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, entity)
    .replace(/^[#>+=-]/, entity);
}

/** HTML text (Google Chat card text, which takes a small HTML subset). */
export function escapeHtml(value: string): string {
  return plainInline(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A command shown in a code block: mentions defused (a code block is still scanned for
 * mentions by some chats) and backtick runs broken so the value cannot close the fence.
 */
export function codeSafe(value: string): string {
  return plainInline(value).replace(/`/g, `\`${ZERO_WIDTH_SPACE}`);
}

const URL_MAX_CHARS = 1000;

/**
 * A link target from configuration: only http(s), and percent-encoded wherever a chat's
 * link syntax would end the URL early (`|` and `>` in Slack, `)` in markdown, quotes).
 * Anything else (or longer than 1000 characters) is left out rather than shown broken.
 */
export function safeUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.length > URL_MAX_CHARS || !/^https?:\/\/[^\s]+$/i.test(value)) return undefined;
  return value.replace(/[<>|()"'`\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

const encoder = new TextEncoder();

export function utf8Length(value: string): number {
  return encoder.encode(value).length;
}

/**
 * At most `max` UTF-16 code units (what JavaScript-based limits such as Slack's and
 * Discord's count), never splitting a surrogate pair; cut text ends with an ellipsis.
 */
export function truncateChars(value: string, max: number): string {
  if (value.length <= max) return value;
  let cut = Math.max(0, max - ELLIPSIS.length);
  const last = value.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return value.slice(0, cut) + ELLIPSIS;
}

/** At most `maxBytes` bytes of UTF-8, cut on a code point boundary, with an ellipsis. */
export function truncateBytes(value: string, maxBytes: number): string {
  if (utf8Length(value) <= maxBytes) return value;
  const budget = maxBytes - utf8Length(ELLIPSIS);
  let used = 0;
  let end = 0;
  for (const ch of value) {
    const size = utf8Length(ch);
    if (used + size > budget) break;
    used += size;
    end += ch.length;
  }
  return value.slice(0, end) + ELLIPSIS;
}

/**
 * Whole lines joined by `separator` up to `max` (measured by `size`, characters by
 * default). Lines that do not fit are left out and a final `…` line says so, so markup
 * inside a line is never cut in half. Callers cap single lines first.
 */
export function joinLinesWithin(lines: string[], max: number, separator = '\n', size: (s: string) => number = (s) => s.length): string {
  let out = '';
  for (const [i, line] of lines.entries()) {
    const candidate = i === 0 ? line : `${out}${separator}${line}`;
    const needed = i === lines.length - 1 ? candidate : `${candidate}${separator}${ELLIPSIS}`;
    if (size(needed) > max) return i === 0 ? ELLIPSIS : `${out}${separator}${ELLIPSIS}`;
    out = candidate;
  }
  return out;
}
