import { createHmac } from 'node:crypto';
import { renderWebhook } from './render.ts';
import type { WebhookBody } from './render.ts';
import { JSON_HEADERS } from '../provider.ts';
import type { ChatProvider } from '../provider.ts';

export const SIGNATURE_HEADER = 'x-zk-lookout-signature';
export const TIMESTAMP_HEADER = 'x-zk-lookout-timestamp';

/**
 * Generic JSON webhook. With a secret, `X-Zk-Lookout-Timestamp` is the send time (Unix
 * seconds) and `X-Zk-Lookout-Signature` is `sha256=` + hex HMAC-SHA256(secret,
 * `${timestamp}.${body}`): the timestamp is signed too, so a receiver can refuse replays.
 */
export const webhookProvider: ChatProvider<WebhookBody> = {
  kind: 'webhook',
  render: renderWebhook,
  request(target, body, now) {
    const text = JSON.stringify(body);
    if (target.secret === undefined) return { url: target.url, headers: { ...JSON_HEADERS }, body: text };
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const signature = createHmac('sha256', target.secret).update(`${timestamp}.${text}`).digest('hex');
    return { url: target.url, headers: { ...JSON_HEADERS, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `sha256=${signature}` }, body: text };
  },
};
