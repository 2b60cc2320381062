/**
 * Which channels already have a message. SNS (through Lambda's asynchronous retries)
 * may deliver the same message again after a partial failure, and an outbox publishes a
 * message again when its removal did not get written; the relay then posts only to the
 * channels missing from the ledger. The results table holds it: DynamoDB on AWS, the
 * embedded store locally.
 */
export interface DeliveryLedger {
  /** Names of the channels that accepted this message. */
  delivered(messageId: string): Promise<Set<string>>;
  record(messageId: string, channel: string): Promise<void>;
}
