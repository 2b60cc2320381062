import { renderGoogleChat } from './render.ts';
import type { GoogleChatBody } from './render.ts';
import { postJson } from '../provider.ts';
import type { ChatProvider } from '../provider.ts';

/** Google Chat space webhook (the URL carries its key and token): 200 with the created message. */
export const googleChatProvider: ChatProvider<GoogleChatBody> = { kind: 'google-chat', render: renderGoogleChat, request: postJson };
