import type { DeliveryLedger } from '../../functions/app/delivery-ledger.ts';

/** A ledger for tests of the relay's fan-out that need no table. */
export class MemoryDeliveryLedger implements DeliveryLedger {
  private readonly byMessage = new Map<string, Set<string>>();

  async delivered(messageId: string): Promise<Set<string>> {
    return new Set(this.byMessage.get(messageId));
  }

  async record(messageId: string, channel: string): Promise<void> {
    this.byMessage.set(messageId, (this.byMessage.get(messageId) ?? new Set<string>()).add(channel));
  }
}
