/**
 * Local mode's notifier: every message to the console (or a caller's sink), and to the
 * configured chat channels through the same providers and retries as the relay Lambda.
 * It resolves once every channel that wants the message has it, and throws naming the
 * channels that failed, so the outbox keeps the message for the next round.
 */
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import type { ChannelConfig } from '../../functions/contract/chat-channels.ts';
import { channelWants } from '../../functions/contract/chat-channels.ts';
import { deliver } from '../../functions/adapters/chat/deliver-to-channels.ts';
import { chatProviders } from '../../functions/adapters/chat/index.ts';
import type { WebhookSecret } from '../../functions/adapters/chat/provider.ts';
import type { AlertNotifier } from '../../functions/app/evaluate-ensemble.ts';

export interface LocalNotifierOptions {
  channels: readonly ChannelConfig[];
  secrets: { get(secretId: string): Promise<WebhookSecret> };
  /** Where messages are shown. */
  show(message: AlertMessage): void;
  /** Per message, across retries. @default 30 s */
  deliveryBudgetMs?: number;
}

export class LocalNotifier implements AlertNotifier {
  /** Channels that already have a message, so a retried publish does not post twice. */
  private readonly delivered = new Map<string, Set<string>>();
  private readonly shown = new Set<string>();

  constructor(private readonly options: LocalNotifierOptions) {}

  async publish(message: AlertMessage): Promise<void> {
    const id = `${message.ensembleName}/${message.roundId}/${message.evaluatedAt}`;
    if (!this.shown.has(id)) {
      this.options.show(message);
      this.shown.add(id);
    }
    const done = this.delivered.get(id) ?? new Set<string>();
    this.delivered.set(id, done);
    const deadlineMs = Date.now() + (this.options.deliveryBudgetMs ?? 30_000);
    const pending = this.options.channels.filter((c) => channelWants(c, message) && !done.has(c.name));
    const results = await Promise.all(
      pending.map(async (channel) => {
        try {
          const target = await this.options.secrets.get(channel.secretId);
          return await deliver(chatProviders[channel.kind], channel, target, message, {
            deadlineMs,
            now: Date.now,
            sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          });
        } catch (err) {
          return { channel: channel.name, ok: false as const, attempts: 0, error: (err as Error).message };
        }
      }),
    );
    for (const r of results) if (r.ok) done.add(r.channel);
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) {
      throw new Error(`delivery failed for ${failed.map((f) => `${f.channel} (${'error' in f ? f.error : ''})`).join(', ')}`);
    }
    this.delivered.delete(id);
    this.shown.delete(id);
  }
}
