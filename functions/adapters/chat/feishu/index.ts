import { createHmac } from 'node:crypto';
import { renderFeishu } from './render.ts';
import type { FeishuBody } from './render.ts';
import { codeInBody, postJson } from '../provider.ts';
import type { ChatProvider } from '../provider.ts';

/**
 * Feishu/Lark custom bot. With "signature verification" on, the body carries
 * `timestamp` (Unix seconds, within an hour of Feishu's clock) and `sign` =
 * base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, message = empty)): the key is the
 * string to sign, not the secret. Code 11232 is Feishu's bot rate limit, 9499 its
 * generic "too many requests".
 */
export const feishuProvider: ChatProvider<FeishuBody> = {
  kind: 'feishu',
  render: renderFeishu,
  request(target, body, now) {
    if (target.secret === undefined) return postJson(target, body);
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const sign = createHmac('sha256', `${timestamp}\n${target.secret}`).update('').digest('base64');
    return postJson(target, { timestamp, sign, ...body });
  },
  acceptReply: codeInBody('code', [11232, 9499]),
};
