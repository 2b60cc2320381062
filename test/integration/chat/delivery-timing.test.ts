/** What `deliver()` does with time, whatever the provider: real waits, the deadline, a chat that never answers. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../../../functions/adapters/chat/deliver-to-channels.ts';
import { chatProviders } from '../../../functions/adapters/chat/index.ts';
import type { ChannelConfig } from '../../../functions/contract/chat-channels.ts';
import type { ChatKind } from '../../../functions/contract/chat-channels.ts';
import { sampleMessage } from '../../support/alert-fixtures.ts';
import { FakeChat } from './fake-chat.ts';
import { fakeClock, NOW } from './fake-clock.ts';

const chat = new FakeChat();
beforeAll(() => chat.start());
afterAll(() => chat.close());
afterEach(() => chat.reset());

const channel = (kind: ChatKind): ChannelConfig => ({ name: kind, kind, secretId: `zk/${kind}` });

describe('delivery and time', () => {
  it('waits a real Retry-After before retrying', async () => {
    chat.reply = (_p, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '0.25' } } : { status: 200, body: 'ok' });
    const started = Date.now();
    const result = await deliver(chatProviders.slack, channel('slack'), { url: `${chat.base}/services/real` }, sampleMessage(), {
      deadlineMs: Date.now() + 10_000,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('never waits past the deadline: a Retry-After beyond it ends the delivery', async () => {
    chat.reply = () => ({ status: 429, headers: { 'retry-after': '120' } });
    const { options, sleeps } = fakeClock();
    const result = await deliver(chatProviders.slack, channel('slack'), { url: `${chat.base}/services/later` }, sampleMessage(), { deadlineMs: NOW + 30_000, ...options });
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(result.ok ? '' : result.error).toMatch(/would pass the deadline/);
    expect(sleeps).toEqual([]);
  });

  it('a chat that never answers is abandoned at the attempt timeout, and the error hides the URL', async () => {
    chat.reply = () => 'hang';
    const started = Date.now();
    const result = await deliver(chatProviders.webhook, channel('webhook'), { url: `${chat.base}/hooks/hang?token=s3cr3t` }, sampleMessage(), {
      deadlineMs: Date.now() + 400,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      attemptTimeoutMs: 150,
    });
    expect(result.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.ok ? '' : result.error).not.toContain('s3cr3t');
  });
});
