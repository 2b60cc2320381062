/**
 * One alert message to the chat channels that want it: what the chat relay Lambda does
 * per SNS record and local mode's notifier per published message. Channels are chosen by
 * their severity and ensemble filters; those the ledger says already have the message are
 * skipped, the rest are posted to concurrently within the deadline, and each one that
 * accepts it is recorded, so a retry posts only to the channels that failed.
 */
import type { AlertMessage } from '../contract/alert-message.ts';
import { channelWants, type ChannelConfig } from '../contract/chat-channels.ts';
import type { DeliveryLedger } from './delivery-ledger.ts';

export type FailedDelivery = { channel: string; ok: false; attempts: number; error: string };
export type DeliveryResult = { channel: string; ok: true; attempts: number } | FailedDelivery;

/** Posts one message to one channel (the chat adapter: its secret, its provider, retries). Never throws. */
export interface ChannelDelivery {
  deliver(channel: ChannelConfig, message: AlertMessage, deadlineMs: number): Promise<DeliveryResult>;
}

export interface RelayPorts {
  channels: readonly ChannelConfig[];
  ledger: DeliveryLedger;
  delivery: ChannelDelivery;
}

export interface RelayOutcome {
  /** Channels whose filters take the message. */
  wanted: number;
  /** Of those, the ones the ledger already had. */
  alreadyDelivered: number;
  /** One per channel posted to now. */
  results: DeliveryResult[];
  failed: FailedDelivery[];
}

/** Channels did not take a message; the caller's retry posts to them again. */
export class ChannelDeliveryError extends Error {
  override name = 'ChannelDeliveryError';
}

/** `messageId`: the same for every retry of the message (the SNS message id, the outbox entry's). */
export async function relayToChannels(messageId: string, message: AlertMessage, deadlineMs: number, ports: RelayPorts): Promise<RelayOutcome> {
  const wanted = ports.channels.filter((c) => channelWants(c, message));
  const done = wanted.length === 0 ? new Set<string>() : await ports.ledger.delivered(messageId);
  const pending = wanted.filter((c) => !done.has(c.name));
  const results = await Promise.all(
    pending.map(async (channel) => {
      const result = await ports.delivery.deliver(channel, message, deadlineMs);
      if (result.ok) await ports.ledger.record(messageId, channel.name);
      return result;
    }),
  );
  const failed = results.filter((r): r is FailedDelivery => !r.ok);
  return { wanted: wanted.length, alreadyDelivered: wanted.length - pending.length, results, failed };
}
