/**
 * Probe one ensemble and store its rounds: what the probe Lambda does per Scheduler event
 * and local mode per tick, so both store the same item for the same probe result. Rounds
 * are keyed by their slot in the schedule (`round-slots.ts`): a retried invocation finds
 * its rounds already written and adds nothing. Several rounds per schedule are spread
 * evenly over the interval, waiting for each slot.
 */
import type { ProbeRound } from '../contract/probe-round.ts';
import type { ServerAddress } from '../contract/server-address.ts';
import { compactRound } from '../core/probe/compact-round.ts';
import { fitRoundToBudget } from '../core/probe/round-budget.ts';
import { roundSlots } from '../core/probe/round-slots.ts';
import { probeOptionsFor, type ProbeRequest, type ProbeTarget } from './probe-options.ts';

/** Takes one round (the ZooKeeper adapter's `probeEnsemble`); never throws for what the servers do. */
export type Prober = (servers: readonly ServerAddress[], options: ProbeRequest) => Promise<ProbeRound>;

/** Where rounds are kept (the results table); `putRound` resolves false when that slot's round is already there. */
export interface RoundStore {
  putRound(round: ProbeRound, scheduledAt: Date): Promise<boolean>;
}

export interface ProbeClock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export interface ProbeAndStorePorts {
  prober: Prober;
  rounds: RoundStore;
  clock: ProbeClock;
  /** Called with each round once it is stored (metrics, a log line). */
  onStored?(round: StoredRound): void;
}

export interface ProbeSchedule {
  /** When the first round is due (the Scheduler's time, the tick's). @default now */
  scheduledTime?: Date;
  /** Rounds, evenly spread over `intervalMs`. @default 1 */
  rounds?: number;
  /** @default 60 s */
  intervalMs?: number;
}

export interface StoredRound {
  /** The round as probed, held to the item budget: what a person or a scrape is shown. */
  round: ProbeRound;
  /** The round as stored (compacted): what the evaluator reads back. */
  stored: ProbeRound;
  scheduledAt: Date;
  /** False: this slot's round was already stored (a retried invocation). */
  written: boolean;
}

export interface ProbeAndStoreResult {
  rounds: StoredRound[];
  written: number;
  alreadyWritten: number;
}

/** The round was taken but could not be stored; `round` is what was probed. */
export class RoundNotStoredError extends Error {
  override name = 'RoundNotStoredError';

  constructor(
    message: string,
    readonly round: ProbeRound,
    options: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const DEFAULT_PROBE_INTERVAL_MS = 60_000;

export async function probeAndStore(target: ProbeTarget, schedule: ProbeSchedule, ports: ProbeAndStorePorts): Promise<ProbeAndStoreResult> {
  const { servers, options } = probeOptionsFor(target);
  const slots = roundSlots({
    ensembleName: target.name,
    scheduledTime: schedule.scheduledTime ?? ports.clock.now(),
    count: schedule.rounds ?? 1,
    intervalMs: schedule.intervalMs ?? DEFAULT_PROBE_INTERVAL_MS,
  });
  const result: ProbeAndStoreResult = { rounds: [], written: 0, alreadyWritten: 0 };
  for (const slot of slots) {
    await ports.clock.sleep(Math.max(0, slot.scheduledAt.getTime() - ports.clock.now().getTime()));
    const probed = await ports.prober(servers, { ...options, roundId: slot.roundId });
    const round = fitRoundToBudget(probed);
    const stored = compactRound(probed);
    let written: boolean;
    try {
      written = await ports.rounds.putRound(stored, slot.scheduledAt);
    } catch (err) {
      throw new RoundNotStoredError((err as Error).message, round, { cause: err });
    }
    const done: StoredRound = { round, stored, scheduledAt: slot.scheduledAt, written };
    result.rounds.push(done);
    result[written ? 'written' : 'alreadyWritten'] += 1;
    ports.onStored?.(done);
  }
  return result;
}
