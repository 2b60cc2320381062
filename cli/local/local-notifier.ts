/**
 * Local mode's notifier: every message to the console (or a caller's sink), and through
 * `relayToChannels` to the configured chat channels with the same providers, retries and
 * ledger as the relay Lambda. It resolves once every channel that wants the message has
 * it, and throws naming the channels that failed, so the outbox keeps the message for the
 * next round.
 */
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import type { ChannelConfig } from '../../functions/contract/chat-channels.ts';
import { ChatDelivery } from '../../functions/adapters/chat/deliver-to-channels.ts';
import type { WebhookSecret } from '../../functions/adapters/chat/provider.ts';
import type { DeliveryLedger } from '../../functions/app/delivery-ledger.ts';
import type { AlertNotifier } from '../../functions/app/evaluate-ensemble.ts';
import { ChannelDeliveryError, relayToChannels, type RelayPorts } from '../../functions/app/relay-to-channels.ts';

export interface LocalNotifierOptions {
  channels: readonly ChannelConfig[];
  secrets: { get(secretId: string): Promise<WebhookSecret> };
  /**
   * The embedded store's (`EmbeddedStore.ledger`): it lives as long as the outbox does, so
   * a message still in the outbox after a restart is not posted again where it arrived.
   */
  ledger: DeliveryLedger;
  /** Where messages are shown. */
  show(message: AlertMessage): void;
  /** Per message, across retries. @default 30 s */
  deliveryBudgetMs?: number;
}

export class LocalNotifier implements AlertNotifier {
  private readonly shown = new Set<string>();
  private readonly relay: RelayPorts;

  constructor(private readonly options: LocalNotifierOptions) {
    this.relay = { channels: options.channels, ledger: options.ledger, delivery: new ChatDelivery({ secrets: options.secrets }) };
  }

  async publish(message: AlertMessage): Promise<void> {
    const id = `${message.ensembleName}/${message.roundId}/${message.evaluatedAt}`;
    if (!this.shown.has(id)) {
      this.options.show(message);
      this.shown.add(id);
    }
    const outcome = await relayToChannels(id, message, Date.now() + (this.options.deliveryBudgetMs ?? 30_000), this.relay);
    if (outcome.failed.length > 0) throw new ChannelDeliveryError(`delivery failed for ${outcome.failed.map((f) => `${f.channel} (${f.error})`).join(', ')}`);
    this.shown.delete(id);
  }
}
