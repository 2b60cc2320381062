import { createHmac } from 'node:crypto';
import { renderDingTalk } from './render.ts';
import type { DingTalkBody } from './render.ts';
import { codeInBody, postJson } from '../provider.ts';
import type { ChatProvider } from '../provider.ts';

/**
 * DingTalk custom robot. With "加签" (signing) on, the URL gets `timestamp` (Unix
 * milliseconds, within an hour) and `sign` = urlencode(base64(HMAC-SHA256(key = secret,
 * message = `${timestamp}\n${secret}`))); URLSearchParams does the URL encoding.
 * Errcode 130101 ("send too fast", 20 messages a minute) and 410100 are rate limits.
 */
export const dingtalkProvider: ChatProvider<DingTalkBody> = {
  kind: 'dingtalk',
  render: renderDingTalk,
  request(target, body, now) {
    if (target.secret === undefined) return postJson(target, body);
    const timestamp = String(now.getTime());
    const sign = createHmac('sha256', target.secret).update(`${timestamp}\n${target.secret}`).digest('base64');
    const url = new URL(target.url);
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('sign', sign);
    return postJson({ url: url.toString() }, body);
  },
  acceptReply: codeInBody('errcode', [130101, 410100]),
};
