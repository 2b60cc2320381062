import type { AlertMessage, Severity } from '../../contract/alert-message.ts';
import { escapeSlack, plainInline, truncateChars } from './escape.ts';
import { fitChanges } from './fit-changes.ts';
import { markdownBlocks } from './markdown-document.ts';

/**
 * AWS Chatbot (Amazon Q Developer in chat applications) custom notification, schema
 * 1.0: what the SNS `https` protocol carries. Its `client-markdown` is rendered in the
 * chat's own markdown, mostly Slack's, so values are escaped for Slack (`&<>` as
 * entities, which also keeps `<!channel>` inert). The description stays inside one Slack
 * section (3000 characters) so Chatbot never has to cut it.
 */
export const CHATBOT_MAX_TITLE = 250;
export const CHATBOT_MAX_DESCRIPTION = 3000;

export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id: string;
  content: { textType: 'client-markdown'; title: string; description: string; nextSteps: string[]; keywords: string[] };
  metadata: { threadId: string; summary: string; eventType: string; relatedResources: string[]; additionalContext: Record<string, string> };
}

const EMOJI: Record<Severity, string> = { alarm: ':rotating_light:', warning: ':warning:', resolved: ':white_check_mark:', info: ':information_source:' };

export function renderChatbot(msg: AlertMessage): ChatbotNotification {
  const servers = [...new Set(msg.changes.flatMap((c) => (c.server !== undefined ? [c.server] : [])))];
  return fitChanges(
    msg,
    (changes, omitted) => ({
      version: '1.0',
      source: 'custom',
      id: truncateChars(plainInline(`${msg.ensembleName}:${msg.roundId}`), 200),
      content: {
        textType: 'client-markdown',
        title: truncateChars(`${EMOJI[msg.severity]} ${escapeSlack(msg.title)}`, CHATBOT_MAX_TITLE),
        description: markdownBlocks(msg, changes, omitted, { escape: escapeSlack, severity: (label) => `*${label}*` }, false).join('\n\n'),
        nextSteps: [truncateChars(`Silence for an hour: ${escapeSlack(msg.silenceCommand)}`, 1000)],
        keywords: [msg.severity, msg.kind, truncateChars(plainInline(msg.ensembleName), 100)],
      },
      metadata: {
        // One thread per ensemble and alert: a reminder or the resolution lands under the alert it follows.
        threadId: truncateChars(plainInline(`${msg.ensembleName}:${msg.kind}`), 200),
        summary: truncateChars(plainInline(msg.title), 200),
        eventType: msg.kind,
        relatedResources: servers.slice(0, 10).map((s) => truncateChars(plainInline(s), 200)),
        additionalContext: { ensemble: truncateChars(plainInline(msg.ensembleName), 200), severity: msg.severity, roundId: msg.roundId },
      },
    }),
    (body) => body.content.description.length <= CHATBOT_MAX_DESCRIPTION,
  );
}
