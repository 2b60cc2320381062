/**
 * Which DynamoDB stream records are work for the evaluator: inserts of round items.
 * TTL deletions (REMOVE by `dynamodb.amazonaws.com`), other removals, and writes of the
 * state item (MODIFY, or INSERT of `sk = STATE`) are not; the stack's event filter
 * should already drop them, and this check keeps the function right without it.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { decodeRoundItem, type ItemImage } from './results-table.ts';
import type { ProbeRound } from '../../contract/probe-round.ts';

export type StreamWork = { kind: 'round'; round: ProbeRound } | { kind: 'ignored'; reason: string };

export function streamWork(record: DynamoDBRecord): StreamWork {
  if (record.userIdentity?.principalId === 'dynamodb.amazonaws.com') return { kind: 'ignored', reason: 'TTL deletion' };
  if (record.eventName !== 'INSERT') return { kind: 'ignored', reason: `${record.eventName ?? 'unknown'} event` };
  const image = record.dynamodb?.NewImage as ItemImage | undefined;
  if (image === undefined) return { kind: 'ignored', reason: 'INSERT without NewImage (stream view type is not NEW_IMAGE)' };
  if (image.type?.S !== 'round') return { kind: 'ignored', reason: `item of type ${JSON.stringify(image.type?.S ?? null)}` };
  return { kind: 'round', round: decodeRoundItem(image) };
}
