/**
 * Reading a stored `EnsembleState` of any version this code knows, as the current one.
 *
 * Version 1 → 2: alerts, elections, epoch, round ids and timing carry over. Its sample
 * history and per-signal baselines were made for signals that no longer exist (lifetime
 * latencies, total connections against a per-IP limit), so they are dropped: forecasts
 * start over (the short tier needs ~10 min, the long one ~2 h) and P warms up again. Its
 * single `early-warning` alert clears at the next round (resolved, if it had been told)
 * while the per-cause warnings that replace it fire on their own.
 */
import { ENSEMBLE_STATE_VERSION, MAX_ROUND_IDS, type AlertRecord, type EnsembleState } from './ensemble-state.ts';

export class EnsembleStateVersionError extends Error {
  override name = 'EnsembleStateVersionError';
}

export function readEnsembleState(value: unknown, where: string): EnsembleState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EnsembleStateVersionError(`${where}: expected an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const v = value as Record<string, unknown>;
  if (v.stateVersion === ENSEMBLE_STATE_VERSION) return value as EnsembleState;
  if (v.stateVersion === 1) return fromVersion1(v, where);
  const newer = typeof v.stateVersion === 'number' && v.stateVersion > ENSEMBLE_STATE_VERSION;
  throw new EnsembleStateVersionError(
    `${where}: stateVersion ${JSON.stringify(v.stateVersion)} is not one this evaluator reads (1 or ${ENSEMBLE_STATE_VERSION}); ${newer ? 'a newer evaluator wrote it, so deploy that version or' : 'no evaluator writes that, so'} delete the state item to start over`,
  );
}

function fromVersion1(v: Record<string, unknown>, where: string): EnsembleState {
  if (typeof v.ensembleName !== 'string') throw new EnsembleStateVersionError(`${where}: version 1 state without an ensembleName`);
  const state: EnsembleState = {
    stateVersion: ENSEMBLE_STATE_VERSION,
    ensembleName: v.ensembleName,
    alerts: isRecord(v.alerts) ? (v.alerts as Record<string, AlertRecord>) : {},
    mem: {},
    elections: Array.isArray(v.elections) ? v.elections.filter((e): e is string => typeof e === 'string') : [],
    multiLeaderRounds: typeof v.multiLeaderRounds === 'number' ? v.multiLeaderRounds : 0,
    lastRoundIds: Array.isArray(v.lastRoundIds) ? v.lastRoundIds.filter((e): e is string => typeof e === 'string').slice(-MAX_ROUND_IDS) : [],
  };
  if (typeof v.lastEpoch === 'number') state.lastEpoch = v.lastEpoch;
  if (typeof v.lastProbability === 'number') state.lastProbability = v.lastProbability;
  if (typeof v.lastRoundAt === 'string') state.lastRoundAt = v.lastRoundAt;
  if (typeof v.intervalMs === 'number') state.intervalMs = v.intervalMs;
  if (isRecord(v.znodeDigests)) state.znodeDigests = v.znodeDigests as EnsembleState['znodeDigests'] & object;
  return state;
}

function isRecord(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
