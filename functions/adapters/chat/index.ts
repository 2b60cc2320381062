import { dingtalkProvider } from './dingtalk/index.ts';
import { discordProvider } from './discord/index.ts';
import { feishuProvider } from './feishu/index.ts';
import { googleChatProvider } from './google-chat/index.ts';
import type { ChatKind } from '../../contract/chat-channels.ts';
import type { ChatProvider } from './provider.ts';
import { slackProvider } from './slack/index.ts';
import { teamsProvider } from './teams/index.ts';
import { webhookProvider } from './webhook/index.ts';
import { wecomProvider } from './wecom/index.ts';

/** Every kind has exactly one provider: adding a kind without a provider folder fails to compile. */
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
