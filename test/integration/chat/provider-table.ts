/**
 * The shape of every provider's test file: a table of named cases, each one `deliver()`
 * of a message through the provider to a loopback chat that answers with the case's
 * replies, then checked on what the chat received and what the delivery reported.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../../../functions/adapters/chat/deliver-to-channels.ts';
import type { DeliveryResult } from '../../../functions/app/relay-to-channels.ts';
import { chatProviders } from '../../../functions/adapters/chat/index.ts';
import type { AlertMessage } from '../../../functions/contract/alert-message.ts';
import type { ChatKind } from '../../../functions/contract/chat-channels.ts';
import { FakeChat, OK } from './fake-chat.ts';
import type { Captured, Reply } from './fake-chat.ts';
import { fakeClock, NOW } from './fake-clock.ts';
import { alarmMessage, resolvedMessage, warningMessage } from './messages.ts';

export interface Delivered<Body> {
  result: DeliveryResult;
  /** What the fake clock slept between attempts. */
  sleeps: number[];
  requests: Captured[];
  /** The first request's JSON body. */
  body: Body;
}

export interface ProviderCase<Body> {
  name: string;
  /** @default alarmMessage() */
  message?: () => AlertMessage;
  /** Overrides the table's webhook path (and query). */
  path?: string;
  secret?: string;
  /** The chat's answer to the n-th request; the last one repeats. @default [OK] */
  replies?: Reply[];
  /** @default 5, as deployed */
  maxAttempts?: number;
  check(delivered: Delivered<Body>): void;
}

export function providerTable<Body>(kind: ChatKind, path: string, cases: ProviderCase<Body>[]): void {
  const chat = new FakeChat();
  beforeAll(() => chat.start());
  afterAll(() => chat.close());
  afterEach(() => chat.reset());

  describe(`${kind} against a loopback chat`, () => {
    it.each(cases)('$name', async (c) => {
      const target = c.path ?? path;
      const replies = c.replies ?? [OK];
      chat.reply = (_path, n) => replies[Math.min(n, replies.length) - 1] ?? OK;
      const { options, sleeps } = fakeClock();
      const result = await deliver(chatProviders[kind], { name: kind, kind, secretId: `zk/${kind}` }, { url: `${chat.base}${target}`, ...(c.secret !== undefined ? { secret: c.secret } : {}) }, (c.message ?? alarmMessage)(), {
        deadlineMs: NOW + 60_000,
        ...(c.maxAttempts !== undefined ? { maxAttempts: c.maxAttempts } : {}),
        ...options,
      });
      const requests = chat.on(target.split('?')[0] ?? '');
      c.check({ result, sleeps, requests, body: requests[0]?.json as Body });
    });
  });
}

/** A 5xx is worth another try from any chat: retried up to the last attempt, then reported with its status and body. */
export function serverError<Body>(status: number, text: string): ProviderCase<Body> {
  return {
    name: `server error: ${status} retried, then reported`,
    replies: [{ status, body: text }],
    maxAttempts: 3,
    check: ({ result, requests }) => {
      expect(result).toMatchObject({ ok: false, attempts: 3, error: `HTTP ${status}: ${text}` });
      expect(requests).toHaveLength(3);
    },
  };
}

const BY_SEVERITY = { alarm: alarmMessage, warning: warningMessage, resolved: resolvedMessage };

/** An alarm, a warning and a resolution, each accepted and marked the way this chat marks it (`marks`, checked by `shows`). */
export function severityCases<Body, Mark>(marks: Record<keyof typeof BY_SEVERITY, Mark>, shows: (body: Body, mark: Mark) => void, replies?: Reply[]): ProviderCase<Body>[] {
  return Object.entries(BY_SEVERITY).map(([severity, message]) => ({
    name: `${severity}: marked as ${severity}`,
    message,
    ...(replies !== undefined ? { replies } : {}),
    check: ({ result, body }) => {
      expect(result).toMatchObject({ ok: true, attempts: 1 });
      shows(body, marks[severity as keyof typeof BY_SEVERITY]);
    },
  }));
}
