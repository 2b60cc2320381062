/**
 * Which channels already have a message. SNS (through Lambda's asynchronous retries)
 * may deliver the same message again after a partial failure; the relay then posts
 * only to the channels missing from the ledger.
 */
export interface DeliveryLedger {
  /** Names of the channels that accepted this SNS message. */
  delivered(messageId: string): Promise<Set<string>>;
  record(messageId: string, channel: string): Promise<void>;
}

/**
 * The per-container memo: enough for local mode and for a retry that lands on the same
 * warm Lambda container, not for one that lands on another (the DynamoDB ledger covers
 * that). Keeps the newest `capacity` messages.
 */
export class MemoryDeliveryLedger implements DeliveryLedger {
  private readonly byMessage = new Map<string, Set<string>>();

  constructor(private readonly capacity = 1000) {}

  async delivered(messageId: string): Promise<Set<string>> {
    return new Set(this.byMessage.get(messageId));
  }

  async record(messageId: string, channel: string): Promise<void> {
    const channels = this.byMessage.get(messageId) ?? new Set<string>();
    channels.add(channel);
    this.byMessage.delete(messageId);
    this.byMessage.set(messageId, channels);
    for (const oldest of this.byMessage.keys()) {
      if (this.byMessage.size <= this.capacity) break;
      this.byMessage.delete(oldest);
    }
  }
}
