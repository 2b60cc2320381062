import type { AlertMessage } from '../../contract/alert-message.ts';
import { requestWithRetries, type RetryOptions } from '../http/retrying-request.ts';
import type { ChannelConfig } from '../../contract/chat-channels.ts';
import type { ChatProvider, WebhookSecret } from './provider.ts';

export type DeliverOptions = RetryOptions;

export type DeliveryResult = { channel: string; ok: true; attempts: number } | { channel: string; ok: false; attempts: number; error: string };

/**
 * Posts one message to one channel. The body is rendered once (renderers own escaping
 * and size caps); each attempt is signed afresh (signatures carry a timestamp). Retries,
 * timeouts and `Retry-After` follow `requestWithRetries`; a provider's "rate limited"
 * code in a 2xx reply is retried too. Never throws: the result says what happened, in
 * words that contain neither the URL nor the secret.
 */
export async function deliver(provider: ChatProvider, channel: ChannelConfig, target: WebhookSecret, msg: AlertMessage, options: DeliverOptions): Promise<DeliveryResult> {
  const body = provider.render(msg);
  const outcome = await requestWithRetries(
    {
      request: (now) => provider.request(target, body, now),
      ...(provider.acceptReply ? { acceptReply: (text: string) => provider.acceptReply!(text) } : {}),
      redact: (text) => redact(text, target),
    },
    options,
  );
  return outcome.ok ? { channel: channel.name, ok: true, attempts: outcome.attempts } : { channel: channel.name, ok: false, attempts: outcome.attempts, error: outcome.error };
}

/** Error text may quote the request (undici does for a bad URL): never let the URL or the secret through. */
function redact(text: string, target: WebhookSecret): string {
  let out = text.split(target.url).join('<webhook url>');
  if (target.secret) out = out.split(target.secret).join('<secret>');
  return out;
}
