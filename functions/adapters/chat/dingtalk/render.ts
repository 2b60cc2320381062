import type { AlertMessage, Severity } from '../../../contract/alert-message.ts';
import { escapeMarkdown, plainInline, truncateChars, utf8Length } from '../../../core/deliver/escape.ts';
import { fitChanges } from '../../../core/deliver/fit-changes.ts';
import { markdownBlocks } from '../../../core/deliver/markdown-document.ts';

/** DingTalk custom robots take markdown text of about 20,000 bytes; stay under it. */
export const DINGTALK_MAX_TEXT_BYTES = 18_000;

/**
 * A markdown message. `at` names nobody: DingTalk mentions only the people listed
 * there, so text cannot notify anyone whatever it says.
 */
export interface DingTalkBody {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
  at: { isAtAll: false; atMobiles: []; atUserIds: [] };
}

const COLOR: Record<Severity, string> = { alarm: '#d32f2f', warning: '#f9a825', resolved: '#2e7d32', info: '#1976d2' };

export function renderDingTalk(msg: AlertMessage): DingTalkBody {
  return fitChanges(
    msg,
    (changes, omitted) => ({
      msgtype: 'markdown',
      // The title is the notification preview, shown as plain text.
      markdown: {
        title: truncateChars(plainInline(msg.title), 100),
        // DingTalk ends a line only at a blank line or two trailing spaces.
        text: markdownBlocks(msg, changes, omitted, {
          escape: escapeMarkdown,
          lineBreak: '  \n',
          severity: (label) => `<font color="${COLOR[msg.severity]}">**${label}**</font>`,
          size: utf8Length,
          changeMax: 3000,
        }).join('\n\n'),
      },
      at: { isAtAll: false, atMobiles: [], atUserIds: [] },
    }),
    (body) => utf8Length(body.markdown.text) <= DINGTALK_MAX_TEXT_BYTES,
  );
}
