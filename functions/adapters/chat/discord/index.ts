import { renderDiscord } from './render.ts';
import type { DiscordBody } from './render.ts';
import { postJson } from '../provider.ts';
import type { ChatProvider } from '../provider.ts';

/** Discord webhook: 204 on success; 429 carries `retry_after` (seconds, a float) in its JSON body. */
export const discordProvider: ChatProvider<DiscordBody> = { kind: 'discord', render: renderDiscord, request: postJson };
