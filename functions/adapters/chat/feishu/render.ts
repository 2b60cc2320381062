import type { AlertMessage, Severity } from '../../../contract/alert-message.ts';
import { severityLabel } from '../../../core/deliver/build-alert-message.ts';
import { changeParts, evaluatedLine, omittedLine } from '../../../core/deliver/describe-change.ts';
import { escapeMarkdownEntities, plainInline, safeUrl, truncateChars, utf8Length } from '../../../core/deliver/escape.ts';
import { fitChanges } from '../../../core/deliver/fit-changes.ts';

/** A Feishu/Lark custom bot request body may be at most 20 KB; leave room for the signature fields. */
export const FEISHU_MAX_BYTES = 18_000;

type Text = { tag: 'plain_text' | 'lark_md'; content: string };
type Element = { tag: 'div'; text: Text } | { tag: 'hr' } | { tag: 'note'; elements: Text[] } | { tag: 'action'; actions: { tag: 'button'; text: Text; url: string; type: 'default' }[] };

/** An interactive card message for a custom bot webhook. */
export interface FeishuBody {
  msg_type: 'interactive';
  card: { config: { wide_screen_mode: true }; header: { template: string; title: Text }; elements: Element[] };
}

const TEMPLATE: Record<Severity, string> = { alarm: 'red', warning: 'orange', resolved: 'green', info: 'blue' };

export function renderFeishu(msg: AlertMessage): FeishuBody {
  const md = (content: string): Element => ({ tag: 'div', text: { tag: 'lark_md', content } });
  const buttons = [
    [safeUrl(msg.links.dashboard), 'Dashboard'],
    [safeUrl(msg.links.runbook), 'Runbook'],
  ].flatMap(([url, label]) => (url && label ? [{ tag: 'button' as const, text: { tag: 'plain_text' as const, content: label }, url, type: 'default' as const }] : []));

  return fitChanges(
    msg,
    (changes, omitted) => ({
      msg_type: 'interactive',
      card: {
        config: { wide_screen_mode: true },
        // plain_text is shown as typed: no markdown and no <at> in a title.
        header: { template: TEMPLATE[msg.severity], title: { tag: 'plain_text', content: truncateChars(plainInline(msg.title), 200) } },
        elements: [
          md(`**${severityLabel(msg.severity)}** · ${truncateChars(escapeMarkdownEntities(evaluatedLine(msg)), 600)}`),
          ...changes.flatMap((c): Element[] => {
            const p = changeParts(c, escapeMarkdownEntities);
            return [{ tag: 'hr' }, md([`**${p.headline}**`, p.summary, p.facts, ...p.signals.map((s) => `- ${s}`)].join('\n'))];
          }),
          ...(omitted > 0 ? [md(escapeMarkdownEntities(omittedLine(omitted)))] : []),
          ...(buttons.length > 0 ? [{ tag: 'action' as const, actions: buttons }] : []),
          { tag: 'note', elements: [{ tag: 'plain_text', content: truncateChars(plainInline(`To silence for an hour: ${msg.silenceCommand}`), 2000) }] },
        ],
      },
    }),
    (body) => utf8Length(JSON.stringify(body)) <= FEISHU_MAX_BYTES,
  );
}
