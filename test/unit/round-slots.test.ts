import { describe, expect, it } from 'vitest';
import { roundIdOf, roundSlots } from '../../functions/core/probe/round-slots.ts';

const T = new Date('2026-03-01T12:00:00Z');

describe('roundSlots', () => {
  it('spreads the rounds evenly over the interval from the scheduled time', () => {
    const slots = roundSlots({ ensembleName: 'prod', scheduledTime: T, count: 4, intervalMs: 60_000 });
    expect(slots.map((s) => s.scheduledAt.toISOString())).toEqual([
      '2026-03-01T12:00:00.000Z',
      '2026-03-01T12:00:15.000Z',
      '2026-03-01T12:00:30.000Z',
      '2026-03-01T12:00:45.000Z',
    ]);
  });

  it('derives the same ids for a retried invocation and different ids for other slots and ensembles', () => {
    const first = roundSlots({ ensembleName: 'prod', scheduledTime: T, count: 3, intervalMs: 60_000 });
    const retried = roundSlots({ ensembleName: 'prod', scheduledTime: new Date(T), count: 3, intervalMs: 60_000 });
    expect(retried).toEqual(first);
    const ids = new Set([...first.map((s) => s.roundId), roundIdOf('staging', T), roundIdOf('prod', new Date(T.getTime() + 60_000))]);
    expect(ids.size).toBe(5);
    expect(first[0]!.roundId).toMatch(/^[0-9a-f]{20}$/);
  });

  it('refuses a count that is not a whole number ≥ 1 and an invalid time', () => {
    expect(() => roundSlots({ ensembleName: 'prod', scheduledTime: T, count: 0, intervalMs: 60_000 })).toThrow('count: expected a whole number ≥ 1, got 0');
    expect(() => roundSlots({ ensembleName: 'prod', scheduledTime: new Date('x'), count: 1, intervalMs: 60_000 })).toThrow('scheduledTime');
  });
});
