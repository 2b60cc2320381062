import { renderWeCom } from './render.ts';
import type { WeComBody } from './render.ts';
import { codeInBody, postJson } from '../provider.ts';
import type { ChatProvider } from '../provider.ts';

/** WeCom group robot (`…/cgi-bin/webhook/send?key=…`); errcode 45009 means over the rate limit (20/min). */
export const wecomProvider: ChatProvider<WeComBody> = { kind: 'wecom', render: renderWeCom, request: postJson, acceptReply: codeInBody('errcode', [45009]) };
