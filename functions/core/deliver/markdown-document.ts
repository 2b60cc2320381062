import type { AlertChange, AlertMessage } from '../../contract/alert-message.ts';
import { severityLabel } from './build-alert-message.ts';
import { changeParts, evaluatedLine, omittedLine } from './describe-change.ts';
import { joinLinesWithin, plainInline, safeUrl, truncateChars } from './escape.ts';

/** How one markdown dialect writes what the document needs. */
export interface MarkdownFlavour {
  escape: (value: string) => string;
  /** Between the lines of one change (DingTalk needs a hard break). @default '\n' */
  lineBreak?: string;
  /** A severity word, coloured where the dialect can. @default bold */
  severity?: (label: string, msg: AlertMessage) => string;
  /** Most one change's block may take, in `size` units. @default 1500 characters */
  changeMax?: number;
  size?: (value: string) => number;
}

const COMMAND_MAX_CHARS = 1500;

/**
 * The shared layout of the markdown renderings (Discord, DingTalk, WeCom, Chatbot):
 * a list of blocks, joined by a blank line by the caller; values escaped by the flavour.
 */
export function markdownBlocks(msg: AlertMessage, changes: AlertChange[], omitted: number, flavour: MarkdownFlavour, heading = true): string[] {
  const br = flavour.lineBreak ?? '\n';
  const esc = flavour.escape;
  const severity = flavour.severity ?? ((label) => `**${label}**`);
  const links = [
    [safeUrl(msg.links.dashboard), 'Dashboard'],
    [safeUrl(msg.links.runbook), 'Runbook'],
  ].flatMap(([url, label]) => (url ? [`[${label}](${url})`] : []));
  return [
    ...(heading ? [`### ${truncateChars(esc(msg.title), 300)}`] : []),
    `${severity(severityLabel(msg.severity), msg)} · ${truncateChars(esc(evaluatedLine(msg)), 600)}`,
    ...changes.map((c) => {
      const p = changeParts(c, esc);
      const lines = [`**${p.headline}**`, p.summary, `*${p.facts}*`, ...p.signals.map((s) => `- ${s}`)];
      return joinLinesWithin(lines, flavour.changeMax ?? 1500, br, flavour.size);
    }),
    ...(omitted > 0 ? [esc(omittedLine(omitted))] : []),
    ...(links.length > 0 ? [links.join(' · ')] : []),
    // Inline code, the one code form every dialect here has; a backtick would end it.
    `To silence for an hour:${br}\`${truncateChars(plainInline(msg.silenceCommand).replace(/`/g, "'"), COMMAND_MAX_CHARS)}\``,
  ];
}
