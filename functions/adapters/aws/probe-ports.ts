/**
 * What the probe Lambda wires around `probeAndStore`: the Scheduler event's ensemble as a
 * probe target (its digest credentials read from Secrets Manager), the results table
 * from the environment the stack sets, the per-round metrics and DEBUG line, and the
 * invocation's one INFO line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { HandlerEnv, perEnsembleMetricsOn, ProbeLogFields } from '../../contract/handler-environment.ts';
import type { ProbeEvent } from '../../contract/probe-event.ts';
import type { ProbeAndStorePorts, ProbeAndStoreResult, ProbeSchedule, Prober } from '../../app/probe-and-store.ts';
import type { ProbeTarget } from '../../app/probe-options.ts';
import { positiveNumberEnv, requiredEnv } from './required-env.ts';
import { DEFAULT_ROUND_TTL_DAYS, ResultsTable } from './results-table.ts';
import { publishRoundMetrics } from './round-metrics.ts';

/** Secrets Manager values are cached this long while the function is warm. */
const SECRET_MAX_AGE_S = 300;

let table: ResultsTable | undefined;

export function probePorts(prober: Prober, logger: Logger, metrics: Metrics, env: NodeJS.ProcessEnv = process.env): ProbeAndStorePorts {
  table ??= new ResultsTable({ tableName: requiredEnv(HandlerEnv.ResultsTable, env), roundTtlDays: positiveNumberEnv(HandlerEnv.RoundTtlDays, DEFAULT_ROUND_TTL_DAYS, env) });
  const metricsOn = perEnsembleMetricsOn(env);
  return {
    prober,
    rounds: table,
    clock: { now: () => new Date(), sleep: (ms) => sleep(ms) },
    onStored: ({ round, scheduledAt, written }) => {
      if (metricsOn) publishRoundMetrics(metrics, round);
      logger.debug('round', { roundId: round.roundId, scheduledAt: scheduledAt.toISOString(), written, servers: round.servers.map((s) => `${s.address} ${s.mode}`) });
    },
  };
}

/** The event's ensemble as `probeAndStore` takes it. */
export async function probeTargetOf({ name, servers, securePort, canary }: ProbeEvent['ensemble']): Promise<ProbeTarget> {
  const digest = canary?.digestSecretId === undefined ? undefined : await digestCredentials(canary.digestSecretId);
  return { name, servers, securePort, ...(canary ? { canary: { root: canary.root, digest, znodeRules: canary.znodeRules } } : {}) };
}

export function probeScheduleOf({ ensemble, scheduledTime }: ProbeEvent): ProbeSchedule {
  return {
    ...(scheduledTime === undefined ? {} : { scheduledTime: new Date(scheduledTime) }),
    ...(ensemble.roundsPerInvocation === undefined ? {} : { rounds: ensemble.roundsPerInvocation }),
    ...(ensemble.intervalSeconds === undefined ? {} : { intervalMs: ensemble.intervalSeconds * 1000 }),
  };
}

/** Digest credentials for the canary, refused unless they look like `user:password`. */
async function digestCredentials(secretId: string): Promise<string> {
  const value = await getSecret(secretId, { maxAge: SECRET_MAX_AGE_S });
  if (typeof value !== 'string' || !value.includes(':')) throw new Error(`secret ${secretId}: expected a "user:password" string`);
  return value;
}

/**
 * The one INFO line of the invocation, what the dashboard's Logs Insights widgets read
 * (fields in ProbeLogFields): the last round's id, the lowest serving count, the leader
 * count furthest from one, the slowest probe.
 */
export function logInvocation(logger: Logger, { rounds: stored, written, alreadyWritten }: ProbeAndStoreResult, invocationMs: number): void {
  const rounds = stored.map((r) => r.round);
  const last = rounds.at(-1);
  const canary = rounds.flatMap((r) => (r.canary ? [r.canary] : []));
  logger.info(written > 0 ? 'round written' : 'round already written (retried invocation)', {
    roundId: last?.roundId,
    rounds: rounds.length,
    size: last?.servers.length,
    [ProbeLogFields.serving]: Math.min(...rounds.map((r) => r.ensemble.serving)),
    [ProbeLogFields.leaders]: rounds.map((r) => r.ensemble.leaderCount).reduce((worst, n) => (Math.abs(n - 1) > Math.abs(worst - 1) ? n : worst)),
    [ProbeLogFields.durationMs]: Math.max(...rounds.map((r) => r.durationMs)),
    ...(canary.length > 0 ? { [ProbeLogFields.canaryMs]: Math.max(...canary.map((c) => c.totalMs)), canaryOk: canary.every((c) => c.ok) } : {}),
    written,
    alreadyWritten,
    invocationMs: Math.round(invocationMs),
  });
}
