import type { AlertMessage, Severity } from '../../../contract/alert-message.ts';
import { escapeMarkdown, truncateBytes, utf8Length } from '../../../core/deliver/escape.ts';
import { fitChanges } from '../../../core/deliver/fit-changes.ts';
import { markdownBlocks } from '../../../core/deliver/markdown-document.ts';

/** WeCom group robots reject markdown content over 4096 bytes of UTF-8. */
export const WECOM_MAX_CONTENT_BYTES = 4096;

/** A markdown message; WeCom markdown mentions only through `<@userid>`, which the escaping defuses. */
export interface WeComBody {
  msgtype: 'markdown';
  markdown: { content: string };
}

/** WeCom markdown has three named font colours. */
const COLOR: Record<Severity, string> = { alarm: 'warning', warning: 'comment', resolved: 'info', info: 'comment' };

export function renderWeCom(msg: AlertMessage): WeComBody {
  const body = fitChanges<WeComBody>(
    msg,
    (changes, omitted) => ({
      msgtype: 'markdown',
      markdown: {
        content: markdownBlocks(msg, changes, omitted, {
          escape: escapeMarkdown,
          severity: (label) => `<font color="${COLOR[msg.severity]}">**${label}**</font>`,
          size: utf8Length,
          changeMax: 900,
        }).join('\n\n'),
      },
    }),
    (b) => utf8Length(b.markdown.content) <= WECOM_MAX_CONTENT_BYTES,
  );
  // With no change left, only absurdly long names and links can still overflow: cut them.
  return { ...body, markdown: { content: truncateBytes(body.markdown.content, WECOM_MAX_CONTENT_BYTES) } };
}
