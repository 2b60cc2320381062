/**
 * Local mode's chat fan-out is the relay's (`relayToChannels`): channels chosen by their
 * severity and ensemble filters, and a ledger that skips the channels that already have a
 * message. Locally the ledger lives in the embedded store next to the outbox, so a
 * message still in the outbox when `run` restarts goes only to the channels it missed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../../functions/adapters/local/embedded-store.ts';
import { LocalNotifier } from '../../cli/local/local-notifier.ts';
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import type { ChannelConfig } from '../../functions/contract/chat-channels.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';
import { webhookSink, type WebhookSink } from '../support/webhook-sink.ts';

const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-notifier-'));
let hooks: WebhookSink;

beforeAll(async () => {
  hooks = await webhookSink(['/down']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const channels: ChannelConfig[] = [
  { name: 'up', kind: 'webhook', secretId: 'up' },
  { name: 'down', kind: 'webhook', secretId: 'down' },
  { name: 'warnings-only', kind: 'webhook', secretId: 'warnings', severities: ['warning'] },
  { name: 'other-team', kind: 'webhook', secretId: 'other', ensembles: ['other-zk'] },
];

/** A notifier as `run` builds it on a store folder: one per process. */
async function startRun(shown: AlertMessage[]) {
  const store = await openEmbeddedStore(join(dir, 'store'));
  const notifier = new LocalNotifier({ channels, secrets: { get: async (id) => ({ url: `${hooks.base}/${id}` }) }, ledger: store.ledger, show: (m) => shown.push(m) });
  return { store, notifier };
}

describe('local notifier', () => {
  it('posts to the channels whose filters take the message and, after a restart, only to the one that failed', async () => {
    const message = sampleMessage('prod-zk');
    expect(message.severity).toBe('alarm');
    const shown: AlertMessage[] = [];

    const first = await startRun(shown);
    await expect(first.notifier.publish(message)).rejects.toThrow(/^delivery failed for down \(.*400/);
    await first.store.close();
    expect(hooks.count('/up')).toBe(1);
    expect(hooks.count('/down')).toBeGreaterThanOrEqual(1);
    expect(hooks.posts.filter((p) => p === '/warnings' || p === '/other')).toEqual([]);

    hooks.failing.clear();
    const downBefore = hooks.count('/down');
    const second = await startRun(shown);
    try {
      await second.notifier.publish(message);
      // Published again (an outbox whose removal was not written): every channel has it already.
      await second.notifier.publish(message);
    } finally {
      await second.store.close();
    }
    expect(hooks.count('/up')).toBe(1);
    expect(hooks.count('/down')).toBe(downBefore + 1);
    expect(shown[0]).toBe(message);
  });
});
