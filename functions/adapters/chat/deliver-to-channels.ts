/**
 * The chat delivery behind `relayToChannels`: a channel's webhook from its secret, the
 * channel kind's provider to render and sign, and the shared retry policy to post.
 */
import type { AlertMessage } from '../../contract/alert-message.ts';
import { requestWithRetries, withSeamDefaults, type DeliverySeams, type RetryOptions } from '../http/retrying-request.ts';
import type { ChannelConfig } from '../../contract/chat-channels.ts';
import type { ChannelDelivery, DeliveryResult } from '../../app/relay-to-channels.ts';
import { chatProviders } from './index.ts';
import type { ChatProvider, WebhookSecret } from './provider.ts';

export type DeliverOptions = RetryOptions;

export interface ChatDeliveryOptions extends DeliverySeams {
  /** Webhook URL and signing secret per channel `secretId` (Secrets Manager on AWS, files locally). */
  secrets: { get(secretId: string): Promise<WebhookSecret> };
}

export class ChatDelivery implements ChannelDelivery {
  private readonly seams: Pick<RetryOptions, 'now' | 'sleep' | 'fetch'>;

  constructor(private readonly options: ChatDeliveryOptions) {
    this.seams = withSeamDefaults(options);
  }

  async deliver(channel: ChannelConfig, message: AlertMessage, deadlineMs: number): Promise<DeliveryResult> {
    let target: WebhookSecret;
    try {
      target = await this.options.secrets.get(channel.secretId);
    } catch (err) {
      return { channel: channel.name, ok: false, attempts: 0, error: (err as Error).message };
    }
    return deliver(chatProviders[channel.kind], channel, target, message, { deadlineMs, ...this.seams });
  }
}

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
