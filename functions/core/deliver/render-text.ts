import type { AlertChange, AlertMessage } from '../../contract/alert-message.ts';
import { severityLabel } from './build-alert-message.ts';
import { changeFacts, changeHeadline, changeSummary, evaluatedLine, signalLines } from './describe-change.ts';
import { singleLine } from './escape.ts';
import { breakLinks } from '../text/server-text.ts';

/** Email keeps long summaries and every signal: it has room, and it is the record people forward. */
const EMAIL_SUMMARY_MAX_CHARS = 4000;
const EMAIL_SIGNALS_SHOWN = 50;

const GROUPS: { change: AlertChange['change']; heading: string }[] = [
  { change: 'fired', heading: 'Fired' },
  { change: 'reminder', heading: 'Still firing' },
  { change: 'resolved', heading: 'Resolved' },
];

/**
 * Plain text for email (and SNS `default`): the title, the grouped changes with their
 * driving signals, links and the silence command. Email mentions nobody, so
 * values are only made single-line: a name cannot fake extra lines of the report.
 */
export function renderText(msg: AlertMessage): string {
  const lines = [singleLine(msg.title), `Severity: ${severityLabel(msg.severity)} · ${singleLine(evaluatedLine(msg))}`, ''];
  for (const group of GROUPS) {
    const changes = msg.changes.filter((c) => c.change === group.change);
    if (changes.length === 0) continue;
    lines.push(`${group.heading} (${changes.length}):`);
    for (const change of changes) {
      // Summaries quote server text (‹…›): its links must not be live in a mail client.
      lines.push(`- ${breakLinks(singleLine(changeHeadline(change)))}`);
      lines.push(`  ${breakLinks(singleLine(changeSummary(change, EMAIL_SUMMARY_MAX_CHARS)))}`);
      lines.push(`  ${breakLinks(singleLine(changeFacts(change)))}`);
      for (const signal of signalLines(change, EMAIL_SIGNALS_SHOWN)) lines.push(`    * ${singleLine(signal)}`);
    }
    lines.push('');
  }
  if (msg.links.dashboard) lines.push(`Dashboard: ${singleLine(msg.links.dashboard)}`);
  if (msg.links.runbook) lines.push(`Runbook: ${singleLine(msg.links.runbook)}`);
  lines.push('To silence the most important alert for an hour:', `  ${singleLine(msg.silenceCommand)}`, '');
  lines.push('-- zk-lookout');
  return lines.join('\n');
}
