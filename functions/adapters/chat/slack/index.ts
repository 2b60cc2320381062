import { renderSlack } from './render.ts';
import type { SlackBody } from './render.ts';
import { postJson } from '../provider.ts';
import type { ChatProvider } from '../provider.ts';

/** Slack incoming webhook: answers 200 `ok`, or an error status with a short reason (`invalid_blocks`). */
export const slackProvider: ChatProvider<SlackBody> = {
  kind: 'slack',
  render: renderSlack,
  request: postJson,
  acceptReply: (text) => (text.trim() === 'ok' || text.trim() === '' ? { ok: true } : { ok: false, retry: false, reason: `Slack replied: ${text.slice(0, 200)}` }),
};
