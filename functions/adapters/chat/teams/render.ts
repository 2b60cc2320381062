import type { AlertMessage, Severity } from '../../../contract/alert-message.ts';
import { severityLabel } from '../../../core/deliver/build-alert-message.ts';
import { changeParts, evaluatedLine, omittedLine } from '../../../core/deliver/describe-change.ts';
import { escapeMarkdown, plainInline, safeUrl, truncateChars, utf8Length } from '../../../core/deliver/escape.ts';
import { fitChanges } from '../../../core/deliver/fit-changes.ts';

/** Teams rejects a message over ~28 KB; stay well inside it. */
export const TEAMS_MAX_BYTES = 26_000;

type TextBlock = { type: 'TextBlock'; text: string; wrap: true; weight?: 'Bolder'; size?: 'Large'; color?: string; fontType?: 'Monospace'; isSubtle?: true; separator?: true };
type CardElement = TextBlock | { type: 'FactSet'; facts: { title: string; value: string }[] } | { type: 'Container'; separator: true; items: TextBlock[] };

/** A Workflows ("When a Teams webhook request is received") body carrying one Adaptive Card. */
export interface TeamsBody {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: { $schema: string; type: 'AdaptiveCard'; version: '1.4'; body: CardElement[]; actions: { type: 'Action.OpenUrl'; title: string; url: string }[] };
  }[];
}

const COLOR: Record<Severity, string> = { alarm: 'Attention', warning: 'Warning', resolved: 'Good', info: 'Accent' };

export function renderTeams(msg: AlertMessage): TeamsBody {
  const text = (value: string, extra: Partial<TextBlock> = {}): TextBlock => ({ type: 'TextBlock', text: value, wrap: true, ...extra });
  const actions = [
    [safeUrl(msg.links.dashboard), 'Dashboard'],
    [safeUrl(msg.links.runbook), 'Runbook'],
  ].flatMap(([url, title]) => (url && title ? [{ type: 'Action.OpenUrl' as const, title, url }] : []));

  return fitChanges(
    msg,
    (changes, omitted) => ({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              text(truncateChars(escapeMarkdown(msg.title), 400), { weight: 'Bolder', size: 'Large', color: COLOR[msg.severity] }),
              { type: 'FactSet', facts: [{ title: 'Severity', value: severityLabel(msg.severity) }, { title: 'Details', value: truncateChars(escapeMarkdown(evaluatedLine(msg)), 600) }] },
              ...changes.map((c): CardElement => {
                const p = changeParts(c, escapeMarkdown);
                return { type: 'Container', separator: true, items: [text(p.headline, { weight: 'Bolder' }), text(p.summary), text(p.facts, { isSubtle: true }), ...(p.signals.length > 0 ? [text(p.signals.map((s) => `- ${s}`).join('\r'))] : [])] };
              }),
              ...(omitted > 0 ? [text(escapeMarkdown(omittedLine(omitted)), { isSubtle: true })] : []),
              text('To silence for an hour:', { separator: true }),
              // Monospace text is still markdown in a TextBlock, so the command is escaped like the rest.
              text(truncateChars(escapeMarkdown(plainInline(msg.silenceCommand)), 2000), { fontType: 'Monospace' }),
            ],
            actions,
          },
        },
      ],
    }),
    (body) => utf8Length(JSON.stringify(body)) <= TEAMS_MAX_BYTES,
  );
}
