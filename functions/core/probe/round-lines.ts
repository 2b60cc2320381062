/**
 * Rounds as JSON Lines, the format of `zk-lookout export`/`import`, of recorded fixtures
 * and of `backtest --rounds`: one object per line, `{ "scheduledAt": ISO, "round":
 * ProbeRound }`. `scheduledAt` is the time that keys the round in the results table (the
 * round's own `startedAt` is a little later), so an import writes the very same keys and a
 * second import of the same file adds nothing. Rounds of older versions are upgraded
 * (`read-probe-round.ts`).
 */
import type { ProbeRound } from '../../contract/probe-round.ts';
import { isReadableRoundVersion, upgradeProbeRound } from '../../contract/read-probe-round.ts';

export interface RoundLine {
  scheduledAt: string;
  round: ProbeRound;
}

/** A line that is not a round this code can read; the message starts with its line number. */
export class RoundLineError extends Error {
  override name = 'RoundLineError';
  constructor(
    readonly lineNumber: number,
    readonly reason: string,
  ) {
    super(`line ${lineNumber}: ${reason}`);
  }
}

export function formatRoundLine(line: RoundLine): string {
  return JSON.stringify({ scheduledAt: line.scheduledAt, round: line.round });
}

/**
 * One line of a rounds file, checked far enough that the evaluator can read it: the
 * version, the keys and the parts every signal and alarm looks at.
 */
export function parseRoundLine(text: string, lineNumber: number): RoundLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RoundLineError(lineNumber, `not JSON (${(err as Error).message})`);
  }
  if (!isObject(json)) throw new RoundLineError(lineNumber, 'expected an object {"scheduledAt": …, "round": …}');
  const { scheduledAt, round } = json;
  if (typeof scheduledAt !== 'string' || Number.isNaN(Date.parse(scheduledAt))) {
    throw new RoundLineError(lineNumber, `scheduledAt: expected an ISO time, got ${JSON.stringify(scheduledAt)}`);
  }
  if (!isObject(round)) throw new RoundLineError(lineNumber, 'round: expected an object');
  if (!isReadableRoundVersion(round.version)) upgradeOrFail(round, lineNumber);
  for (const key of ['ensembleName', 'roundId', 'startedAt'] as const) {
    if (typeof round[key] !== 'string' || round[key] === '') throw new RoundLineError(lineNumber, `round.${key}: expected a non-empty string`);
  }
  if (Number.isNaN(Date.parse(round.startedAt as string))) throw new RoundLineError(lineNumber, `round.startedAt: ${JSON.stringify(round.startedAt)} is not a time`);
  if (!Array.isArray(round.servers)) throw new RoundLineError(lineNumber, 'round.servers: expected an array');
  if (!isObject(round.ensemble)) throw new RoundLineError(lineNumber, 'round.ensemble: expected an object');
  return { scheduledAt: new Date(scheduledAt).toISOString(), round: upgradeOrFail(round, lineNumber) };
}

/** Older versions come up to the current one; an unknown version is this line's error. */
function upgradeOrFail(round: Record<string, unknown>, lineNumber: number): ProbeRound {
  try {
    return upgradeProbeRound(round, 'round');
  } catch (err) {
    throw new RoundLineError(lineNumber, (err as Error).message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
