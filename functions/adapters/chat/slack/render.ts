import type { AlertMessage, Severity } from '../../../contract/alert-message.ts';
import { severityLabel } from '../../../core/deliver/build-alert-message.ts';
import { changeParts, evaluatedLine, omittedLine } from '../../../core/deliver/describe-change.ts';
import { codeSafe, escapeSlack, joinLinesWithin, plainInline, safeUrl, truncateChars } from '../../../core/deliver/escape.ts';
import { fitChanges } from '../../../core/deliver/fit-changes.ts';

/** Slack limits (Block Kit reference): 50 blocks, 3000 characters of section text, 150 of header text. */
export const SLACK_MAX_BLOCKS = 50;
export const SLACK_MAX_SECTION_CHARS = 3000;
export const SLACK_MAX_HEADER_CHARS = 150;
const COMMAND_MAX_CHARS = 2000;

export type SlackText = { type: 'mrkdwn' | 'plain_text'; text: string; emoji?: boolean };
export type SlackBlock = { type: 'header'; text: SlackText } | { type: 'section'; text: SlackText } | { type: 'context'; elements: SlackText[] };

/** An incoming-webhook body; `text` is the notification preview. */
export interface SlackBody {
  text: string;
  blocks: SlackBlock[];
}

const EMOJI: Record<Severity, string> = { alarm: ':rotating_light:', warning: ':warning:', resolved: ':white_check_mark:', info: ':information_source:' };

export function renderSlack(msg: AlertMessage): SlackBody {
  const mrkdwn = (text: string): SlackText => ({ type: 'mrkdwn', text: joinLinesWithin(text.split('\n'), SLACK_MAX_SECTION_CHARS) });
  const links = [
    [safeUrl(msg.links.dashboard), 'Dashboard'],
    [safeUrl(msg.links.runbook), 'Runbook'],
  ].flatMap(([url, label]) => (url ? [`<${url}|${label}>`] : []));
  const command = truncateChars(escapeSlackCode(msg.silenceCommand), COMMAND_MAX_CHARS);

  return fitChanges(
    msg,
    (changes, omitted) => ({
      text: truncateChars(`${EMOJI[msg.severity]} ${escapeSlack(msg.title)}`, SLACK_MAX_SECTION_CHARS),
      blocks: [
        // Header text is plain_text: shown as typed, no mention resolved in it.
        { type: 'header', text: { type: 'plain_text', text: truncateChars(plainInline(msg.title), SLACK_MAX_HEADER_CHARS), emoji: false } },
        { type: 'context', elements: [mrkdwn(`${EMOJI[msg.severity]} *${severityLabel(msg.severity)}* · ${truncateChars(escapeSlack(evaluatedLine(msg)), 1000)}`)] },
        ...changes.map((c): SlackBlock => {
          const p = changeParts(c, escapeSlack);
          return { type: 'section', text: mrkdwn([`*${p.headline}*`, p.summary, `_${p.facts}_`, ...p.signals.map((s) => `• ${s}`)].join('\n')) };
        }),
        ...(omitted > 0 ? [{ type: 'context', elements: [mrkdwn(escapeSlack(omittedLine(omitted)))] } satisfies SlackBlock] : []),
        ...(links.length > 0 ? [{ type: 'context', elements: [mrkdwn(links.join(' · '))] } satisfies SlackBlock] : []),
        { type: 'section', text: { type: 'mrkdwn', text: `To silence for an hour:\n\`\`\`${command}\`\`\`` } },
      ],
    }),
    (body) => body.blocks.length <= SLACK_MAX_BLOCKS,
  );
}

/** Inside a code block Slack applies no formatting but still needs `&`, `<`, `>` as entities. */
function escapeSlackCode(value: string): string {
  return codeSafe(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
