import type { AlertMessage, Severity } from '../../../contract/alert-message.ts';
import { severityLabel } from '../../../core/deliver/build-alert-message.ts';
import { changeParts, evaluatedLine, omittedLine } from '../../../core/deliver/describe-change.ts';
import { escapeHtml, plainInline, safeUrl, truncateChars, utf8Length } from '../../../core/deliver/escape.ts';
import { fitChanges } from '../../../core/deliver/fit-changes.ts';

/** Google Chat accepts a message of at most 32,000 bytes; keep a margin. */
export const GOOGLE_CHAT_MAX_BYTES = 30_000;

type Widget = { textParagraph: { text: string } } | { buttonList: { buttons: { text: string; onClick: { openLink: { url: string } } }[] } };

/**
 * A cardsV2 message. There is no `text` field on purpose: only `text` resolves
 * `<users/all>` mentions, while card text is an HTML subset that we escape.
 */
export interface GoogleChatBody {
  cardsV2: { cardId: string; card: { header: { title: string; subtitle: string }; sections: { header?: string; widgets: Widget[] }[] } }[];
}

const COLOR: Record<Severity, string> = { alarm: '#d32f2f', warning: '#f9a825', resolved: '#2e7d32', info: '#1976d2' };

export function renderGoogleChat(msg: AlertMessage): GoogleChatBody {
  const paragraph = (text: string): Widget => ({ textParagraph: { text } });
  const buttons = [
    [safeUrl(msg.links.dashboard), 'Dashboard'],
    [safeUrl(msg.links.runbook), 'Runbook'],
  ].flatMap(([url, text]) => (url && text ? [{ text, onClick: { openLink: { url } } }] : []));

  return fitChanges(
    msg,
    (changes, omitted) => ({
      cardsV2: [
        {
          cardId: 'zk-lookout-alert',
          card: {
            header: { title: truncateChars(plainInline(msg.title), 200), subtitle: truncateChars(plainInline(evaluatedLine(msg)), 200) },
            sections: [
              { widgets: [paragraph(`<font color="${COLOR[msg.severity]}"><b>${severityLabel(msg.severity)}</b></font>`)] },
              ...changes.map((c) => {
                const p = changeParts(c, escapeHtml);
                return { header: p.headline, widgets: [paragraph([p.summary, `<i>${p.facts}</i>`, ...p.signals.map((s) => `• ${s}`)].join('<br>'))] };
              }),
              ...(omitted > 0 ? [{ widgets: [paragraph(escapeHtml(omittedLine(omitted)))] }] : []),
              ...(buttons.length > 0 ? [{ widgets: [{ buttonList: { buttons } }] }] : []),
              { header: 'To silence for an hour', widgets: [paragraph(truncateChars(escapeHtml(msg.silenceCommand), 3000))] },
            ],
          },
        },
      ],
    }),
    (body) => utf8Length(JSON.stringify(body)) <= GOOGLE_CHAT_MAX_BYTES,
  );
}
