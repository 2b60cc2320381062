/**
 * One HTTP request tried until it is accepted, refused for good, or out of time: the
 * retry policy every delivery target shares (chat webhooks, Alertmanager). Each attempt
 * has its own timeout; 5xx, 429 and network errors are retried with full-jitter
 * exponential backoff, or after the server's `Retry-After` / `retry_after` when it gives
 * one, never past the deadline. Never throws: the outcome says what happened.
 */
import { redactValues, secretsOf } from '../../core/text/redact-secrets.ts';

export interface RetryOptions {
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

/** The clock, timer and transport a delivery runs on: tests pass their own, production leaves them out. */
export interface DeliverySeams {
  /** @default Date.now */
  now?: () => number;
  /** @default a timer */
  sleep?: (ms: number) => Promise<void>;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** The seams as RetryOptions wants them: `now` and `sleep` filled in, `fetch` only when given. */
export function withSeamDefaults(seams: DeliverySeams): Pick<RetryOptions, 'now' | 'sleep' | 'fetch'> {
  return {
    now: seams.now ?? Date.now,
    sleep: seams.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    ...(seams.fetch ? { fetch: seams.fetch } : {}),
  };
}

export interface OutgoingRequest {
  url: string;
  /** @default 'POST' */
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** How a target judged a 2xx reply: accepted, worth another try, or refused for good. */
export type ReplyVerdict = { ok: true } | { ok: false; retry: boolean; reason: string };

export interface RetryHooks {
  /** Built afresh per attempt (signatures carry a timestamp). */
  request(now: Date): OutgoingRequest;
  /** Called only for 2xx replies; absent means any 2xx is success. */
  acceptReply?(text: string): ReplyVerdict;
  /** Removes credentials from error text before it leaves this module. */
  redact?(text: string): string;
}

export type RetryOutcome = { ok: true; attempts: number; text: string } | { ok: false; attempts: number; error: string };

const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BASE_BACKOFF_MS = 500;
const DEFAULT_MAX_BACKOFF_MS = 20_000;

type Attempt = { ok: true; text: string } | { ok: false; retry: boolean; reason: string; retryAfterMs?: number };

export async function requestWithRetries(hooks: RetryHooks, options: RetryOptions): Promise<RetryOutcome> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  // Whatever the target's own redaction, every part of every request sent (URL path and
  // query, user info, header values) is removed by value from the error text.
  const secrets = new Set<string>();
  const redact = (text: string) => redactValues((hooks.redact ?? ((t: string) => t))(text), [...secrets]);
  let lastError = 'no attempt made: deadline already passed';
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const remaining = options.deadlineMs - options.now();
    if (remaining <= 0) return { ok: false, attempts: attempt - 1, error: `${lastError} (deadline reached)` };
    const request = hooks.request(new Date(options.now()));
    for (const secret of secretsOf(request)) secrets.add(secret);
    const outcome = await send(request, hooks, Math.min(options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS, remaining), options);
    if (outcome.ok) return { ok: true, attempts: attempt, text: outcome.text };
    lastError = redact(outcome.reason);
    if (!outcome.retry || attempt === maxAttempts) return { ok: false, attempts: attempt, error: lastError };
    const delay = outcome.retryAfterMs ?? backoff(attempt, options);
    if (options.now() + delay >= options.deadlineMs) {
      return { ok: false, attempts: attempt, error: `${lastError} (next try in ${Math.round(delay)} ms would pass the deadline)` };
    }
    await options.sleep(delay);
  }
  return { ok: false, attempts: maxAttempts, error: lastError };
}

async function send(request: OutgoingRequest, hooks: RetryHooks, timeoutMs: number, options: RetryOptions): Promise<Attempt> {
  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? globalThis.fetch)(request.url, {
      method: request.method ?? 'POST',
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    text = await response.text();
  } catch (err) {
    return { ok: false, retry: true, reason: networkReason(err, timeoutMs) };
  }
  const status = response.status;
  if (status >= 200 && status < 300) {
    const verdict = hooks.acceptReply?.(text) ?? { ok: true };
    return verdict.ok ? { ok: true, text } : verdict;
  }
  const reason = `HTTP ${status}: ${text.slice(0, 200)}`;
  if (status === 429 || status >= 500) return { ok: false, retry: true, reason, ...retryAfter(response.headers.get('retry-after'), text, options.now) };
  return { ok: false, retry: false, reason };
}

/** Full jitter: uniform in [0, min(max, base·2^(attempt-1))]. */
function backoff(attempt: number, options: RetryOptions): number {
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
