/**
 * Where the rounds of one scheduled invocation sit in time and what they are called.
 * Everything derives from (ensemble, scheduled time, index), so an invocation that
 * Scheduler retries writes the same keys and the conditional put refuses the copies.
 */
import { createHash } from 'node:crypto';

export interface RoundSlot {
  index: number;
  /** When this round is due: the scheduled time plus `index` equal steps. */
  scheduledAt: Date;
  roundId: string;
}

export interface RoundSlotsInput {
  ensembleName: string;
  scheduledTime: Date;
  /** Rounds per invocation, evenly spread over the interval. */
  count: number;
  intervalMs: number;
}

export function roundSlots(input: RoundSlotsInput): RoundSlot[] {
  if (!Number.isInteger(input.count) || input.count < 1) throw new RangeError(`count: expected a whole number ≥ 1, got ${input.count}`);
  if (Number.isNaN(input.scheduledTime.getTime())) throw new RangeError('scheduledTime: not a valid time');
  const stepMs = Math.floor(input.intervalMs / input.count);
  return Array.from({ length: input.count }, (_, index) => {
    const scheduledAt = new Date(input.scheduledTime.getTime() + index * stepMs);
    return { index, scheduledAt, roundId: roundIdOf(input.ensembleName, scheduledAt) };
  });
}

/** 20 hex digits (80 bits) of a hash of the ensemble and the slot's time. */
export function roundIdOf(ensembleName: string, scheduledAt: Date): string {
  return createHash('sha256').update(`${ensembleName}\n${scheduledAt.toISOString()}`).digest('hex').slice(0, 20);
}
