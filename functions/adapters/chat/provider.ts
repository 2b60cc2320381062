import type { AlertMessage } from '../../contract/alert-message.ts';
import type { ChatKind } from '../../contract/chat-channels.ts';


/** What Secrets Manager holds for a channel: the webhook URL and, where used, the signing secret. */
export interface WebhookSecret {
  url: string;
  secret?: string;
}

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** How a provider judged its reply: accepted, worth another try, or refused for good. */
export type ProviderVerdict = { ok: true } | { ok: false; retry: boolean; reason: string };

/**
 * One chat: a pure renderer, a request builder that signs where the chat wants it, and
 * a reader for chats that answer HTTP 200 with an error code in the body. Retries,
 * deadlines and `Retry-After` live once in `deliver()`, not here.
 */
export interface ChatProvider<Body = unknown> {
  kind: ChatKind;
  render(msg: AlertMessage): Body;
  request(target: WebhookSecret, body: Body, now: Date): HttpRequest;
  /** Called only for HTTP 2xx replies; absent means any 2xx is success. */
  acceptReply?(text: string): ProviderVerdict;
}

export const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;

/** The unsigned POST most chats take. */
export function postJson(target: WebhookSecret, body: unknown): HttpRequest {
  return { url: target.url, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

/**
 * Feishu, DingTalk and WeCom answer 200 with `{ code | errcode, msg | errmsg }`; zero
 * is success, `rateLimited` lists the codes that mean "too fast" (worth a retry), any
 * other code is a refusal (bad signature, bad payload, bot removed).
 */
export function codeInBody(field: 'code' | 'errcode', rateLimited: readonly number[]) {
  return (text: string): ProviderVerdict => {
    let reply: Record<string, unknown>;
    try {
      reply = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { ok: false, retry: false, reason: `reply is not JSON: ${text.slice(0, 200)}` };
    }
    const code = reply[field] ?? reply.StatusCode;
    if (code === 0) return { ok: true };
    const message = String(reply.msg ?? reply.errmsg ?? reply.StatusMessage ?? '').slice(0, 200);
    return { ok: false, retry: typeof code === 'number' && rateLimited.includes(code), reason: `${field} ${String(code)}: ${message}` };
  };
}
