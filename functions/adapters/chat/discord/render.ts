import type { AlertMessage, Severity } from '../../../contract/alert-message.ts';
import { escapeMarkdown, plainInline, truncateChars } from '../../../core/deliver/escape.ts';
import { fitChanges } from '../../../core/deliver/fit-changes.ts';
import { markdownBlocks } from '../../../core/deliver/markdown-document.ts';

/** Discord limits (API reference, Message and Embed objects). */
export const DISCORD_MAX_CONTENT = 2000;
export const DISCORD_MAX_EMBED_TITLE = 256;
export const DISCORD_MAX_EMBED_DESCRIPTION = 4096;
export const DISCORD_MAX_EMBED_TOTAL = 6000;

export interface DiscordBody {
  content: string;
  embeds: { title: string; description: string; color: number; timestamp: string; footer: { text: string } }[];
  /** Nothing in the message may ping anyone, whatever the text says. */
  allowed_mentions: { parse: [] };
}

const COLOR: Record<Severity, number> = { alarm: 0xd32f2f, warning: 0xf9a825, resolved: 0x2e7d32, info: 0x1976d2 };

export function renderDiscord(msg: AlertMessage): DiscordBody {
  const title = truncateChars(plainInline(msg.title), DISCORD_MAX_EMBED_TITLE);
  const footer = truncateChars(plainInline(`zk-lookout · round ${msg.roundId}`), 200);
  const body = fitChanges<DiscordBody>(
    msg,
    (changes, omitted) => ({
      content: truncateChars(escapeMarkdown(msg.title), DISCORD_MAX_CONTENT),
      embeds: [
        {
          title,
          description: markdownBlocks(msg, changes, omitted, { escape: escapeMarkdown }, false).join('\n\n'),
          color: COLOR[msg.severity],
          timestamp: msg.evaluatedAt,
          footer: { text: footer },
        },
      ],
      allowed_mentions: { parse: [] },
    }),
    (body) =>
      body.embeds.every((e) => e.description.length <= DISCORD_MAX_EMBED_DESCRIPTION && e.title.length + e.description.length + e.footer.text.length <= DISCORD_MAX_EMBED_TOTAL),
  );
  // With no change left, only absurdly long names and links can still overflow: cut them.
  return { ...body, embeds: body.embeds.map((e) => ({ ...e, description: truncateChars(e.description, DISCORD_MAX_EMBED_DESCRIPTION) })) };
}
