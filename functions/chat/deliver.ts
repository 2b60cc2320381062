import type { AlertMessage } from '../core/deliver/alert-message.ts';
import type { ChannelConfig } from './channels.ts';
import type { ChatProvider, HttpRequest, WebhookSecret } from './providers/provider.ts';

export interface DeliverOptions {
  /** Absolute time (epoch ms, on `now`'s clock) after which no attempt starts or continues. */
  deadlineMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default Math.random */
  random?: () => number;
  /** @default 10_000 */
  attemptTimeoutMs?: number;
  /** @default 5 */
  maxAttempts?: number;
  /** First backoff ceiling; doubles per attempt up to `maxBackoffMs`. @default 500 */
  baseBackoffMs?: number;
  /** @default 20_000 */
  maxBackoffMs?: number;
}

export type DeliveryResult = { channel: string; ok: true; attempts: number } | { channel: string; ok: false; attempts: number; error: string };

const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BASE_BACKOFF_MS = 500;
const DEFAULT_MAX_BACKOFF_MS = 20_000;

type Attempt = { ok: true } | { ok: false; retry: boolean; reason: string; retryAfterMs?: number };

/**
 * Posts one message to one channel. The body is rendered once (renderers own escaping
 * and size caps); each attempt is signed afresh (signatures carry a timestamp) and has
 * its own timeout. 5xx, 429, network errors and a provider's "rate limited" code are
 * retried with full-jitter exponential backoff, or after the server's `Retry-After` /
 * `retry_after` when it gives one, never past the deadline. Never throws: the result
 * says what happened, in words that contain neither the URL nor the secret.
 */
export async function deliver(provider: ChatProvider, channel: ChannelConfig, target: WebhookSecret, msg: AlertMessage, options: DeliverOptions): Promise<DeliveryResult> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const body = provider.render(msg);
  let lastError = 'no attempt made: deadline already passed';
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const remaining = options.deadlineMs - options.now();
    if (remaining <= 0) return { channel: channel.name, ok: false, attempts: attempt - 1, error: `${lastError} (deadline reached)` };
    const request = provider.request(target, body, new Date(options.now()));
    const outcome = await post(provider, request, Math.min(options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS, remaining), options.fetch ?? globalThis.fetch, options.now);
    if (outcome.ok) return { channel: channel.name, ok: true, attempts: attempt };
    lastError = redact(outcome.reason, target);
    if (!outcome.retry || attempt === maxAttempts) return { channel: channel.name, ok: false, attempts: attempt, error: lastError };
    const delay = outcome.retryAfterMs ?? backoff(attempt, options);
    if (options.now() + delay >= options.deadlineMs) {
      return { channel: channel.name, ok: false, attempts: attempt, error: `${lastError} (next try in ${Math.round(delay)} ms would pass the deadline)` };
    }
    await options.sleep(delay);
  }
  return { channel: channel.name, ok: false, attempts: maxAttempts, error: lastError };
}

async function post(provider: ChatProvider, request: HttpRequest, timeoutMs: number, fetchFn: typeof fetch, now: () => number): Promise<Attempt> {
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(request.url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    text = await response.text();
  } catch (err) {
    return { ok: false, retry: true, reason: networkReason(err, timeoutMs) };
  }
  const status = response.status;
  if (status >= 200 && status < 300) return provider.acceptReply?.(text) ?? { ok: true };
  const reason = `HTTP ${status}: ${text.slice(0, 200)}`;
  if (status === 429 || status >= 500) return { ok: false, retry: true, reason, ...retryAfter(response.headers.get('retry-after'), text, now) };
  return { ok: false, retry: false, reason };
}

/** Full jitter: uniform in [0, min(max, base·2^(attempt-1))]. */
function backoff(attempt: number, options: DeliverOptions): number {
  const ceiling = Math.min(options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS, (options.baseBackoffMs ?? DEFAULT_BASE_BACKOFF_MS) * 2 ** (attempt - 1));
  return (options.random ?? Math.random)() * ceiling;
}

/** `Retry-After` (delay seconds or an HTTP date) first, then a JSON `retry_after` in seconds (Discord's may be fractional). */
export function retryAfter(header: string | null, bodyText: string, now: () => number): { retryAfterMs?: number } {
  if (header !== null && header.trim() !== '') {
    const trimmed = header.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return { retryAfterMs: Number(trimmed) * 1000 };
    const date = Date.parse(trimmed);
    if (!Number.isNaN(date)) return { retryAfterMs: Math.max(0, date - now()) };
  }
  try {
    const seconds = (JSON.parse(bodyText) as { retry_after?: unknown }).retry_after;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) return { retryAfterMs: seconds * 1000 };
  } catch {
    // Not JSON: no hint, so the backoff decides.
  }
  return {};
}

function networkReason(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no reply within ${timeoutMs} ms`;
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return `network error: ${cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))}`;
}

/** Error text may quote the request (undici does for a bad URL): never let the URL or the secret through. */
function redact(text: string, target: WebhookSecret): string {
  let out = text.split(target.url).join('<webhook url>');
  if (target.secret) out = out.split(target.secret).join('<secret>');
  return out;
}
