/**
 * The results table's partition-key prefixes, which the stack's IAM conditions name as
 * well as the adapters that write the items.
 *
 * Round items live in their own partition per ensemble, `RND#<name>`, apart from the
 * state item's `ENS#<name>`: IAM's `dynamodb:LeadingKeys` sees only the partition key, so
 * this is what lets the probe's role write rounds and never a state item. Rounds written
 * before this layout sit under `ENS#<name>` with the same sort keys, and are still read.
 */
export const ROUND_KEY_PREFIX = 'RND#';

/** The chat relay's delivery ledger: one partition per alert message. */
export const DELIVERY_KEY_PREFIX = 'DLV#';
