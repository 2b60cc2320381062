import type { DeliverOptions } from '../../../functions/adapters/chat/deliver-to-channels.ts';

export const NOW = Date.parse('2024-05-01T10:00:05.000Z');

/** A fake clock: sleeping advances it, so retries are instant but deadlines still bite; jitter is fixed at half the ceiling. */
export function fakeClock(start = NOW) {
  let t = start;
  const sleeps: number[] = [];
  const options: Pick<DeliverOptions, 'now' | 'sleep' | 'random'> = {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    random: () => 0.5,
  };
  return { options, sleeps };
}
