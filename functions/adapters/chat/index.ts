import { dingtalkProvider } from './dingtalk.ts';
import { discordProvider } from './discord.ts';
import { feishuProvider } from './feishu.ts';
import { googleChatProvider } from './google-chat.ts';
import type { ChatKind } from '../../contract/chat-channels.ts';
import type { ChatProvider } from './provider.ts';
import { slackProvider } from './slack.ts';
import { teamsProvider } from './teams.ts';
import { webhookProvider } from './webhook.ts';
import { wecomProvider } from './wecom.ts';

/** Every kind has exactly one provider: adding a kind without a file fails to compile. */
export const chatProviders = {
  slack: slackProvider,
  teams: teamsProvider,
  discord: discordProvider,
  'google-chat': googleChatProvider,
  feishu: feishuProvider,
  dingtalk: dingtalkProvider,
  wecom: wecomProvider,
  webhook: webhookProvider,
} satisfies Record<ChatKind, ChatProvider>;
