import type { AlertMessage } from '../../../contract/alert-message.ts';
import { escapeMarkdown, truncateChars } from '../../../core/deliver/escape.ts';

/**
 * The generic webhook body: the structured `AlertMessage` for programs, and a `text`
 * line for receivers that post `text` into a chat as markdown (Mattermost, Rocket.Chat
 * and others resolve `@all` there), escaped like any chat text.
 */
export interface WebhookBody {
  source: 'zk-lookout';
  type: 'alert';
  text: string;
  message: AlertMessage;
}

export function renderWebhook(msg: AlertMessage): WebhookBody {
  return { source: 'zk-lookout', type: 'alert', text: truncateChars(escapeMarkdown(msg.title), 400), message: msg };
}
