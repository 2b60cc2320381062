/**
 * The probe Lambda: a Scheduler event with one ensemble's spec → probe rounds → round
 * items. Rounds are keyed by their slot in the schedule, so a retried invocation finds
 * its rounds already written and adds nothing. With `roundsPerInvocation` > 1 the
 * function sleeps between rounds: its timeout must exceed `intervalSeconds` plus one
 * probe deadline.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { Context } from 'aws-lambda';
import { HandlerEnv, METRICS_NAMESPACE, perEnsembleMetricsOn, ProbeLogFields, ServiceNames } from '../contract/handler-environment.ts';
import type { ProbeRound } from '../contract/probe-round.ts';
import { compactRound } from '../core/probe/compact-round.ts';
import { formatAddress } from '../contract/server-address.ts';
import { roundSlots } from '../core/probe/round-slots.ts';
import { positiveNumberEnv, requiredEnv } from '../adapters/aws/required-env.ts';
import { DEFAULT_ROUND_TTL_DAYS, ResultsTable } from '../adapters/aws/results-table.ts';
import { parseProbeEvent, type ProbeEvent } from '../contract/probe-event.ts';
import { probeEnsemble } from '../adapters/zookeeper/probe-ensemble.ts';
import { publishRoundMetrics } from '../adapters/aws/round-metrics.ts';

const logger = new Logger({ serviceName: ServiceNames.Probe });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: ServiceNames.Probe });
let table: ResultsTable | undefined;

export interface ProbeHandlerResult {
  written: number;
  alreadyWritten: number;
}

export async function handler(event: unknown, context?: Context): Promise<ProbeHandlerResult> {
  // Request id and cold start on every line; resetKeys() below keeps them.
  if (context) logger.addContext(context);
  const { ensemble, scheduledTime } = parseProbeEvent(event);
  logger.appendKeys({ ensemble: ensemble.name });
  try {
    table ??= new ResultsTable({ tableName: requiredEnv(HandlerEnv.ResultsTable), roundTtlDays: positiveNumberEnv(HandlerEnv.RoundTtlDays, DEFAULT_ROUND_TTL_DAYS) });
    const digest = ensemble.canary?.digestSecretId === undefined ? undefined : await digestCredentials(ensemble.canary.digestSecretId);
    const slots = roundSlots({
      ensembleName: ensemble.name,
      scheduledTime: scheduledTime === undefined ? new Date() : new Date(scheduledTime),
      count: ensemble.roundsPerInvocation ?? 1,
      intervalMs: (ensemble.intervalSeconds ?? 60) * 1000,
    });
    const result: ProbeHandlerResult = { written: 0, alreadyWritten: 0 };
    const rounds: ProbeRound[] = [];
    const startedAt = performance.now();
    for (const slot of slots) {
      await sleep(Math.max(0, slot.scheduledAt.getTime() - Date.now()));
      const round = await probeEnsemble(probedServers(ensemble), {
        ensembleName: ensemble.name,
        roundId: slot.roundId,
        tls: ensemble.securePort !== undefined,
        canary: ensemble.canary && {
          root: ensemble.canary.root,
          digest,
          znodeRules: ensemble.canary.znodeRules,
          // The native client speaks no TLS: the session always uses the plain client ports.
          connectString: ensemble.servers.map(formatAddress).join(','),
        },
      });
      if (perEnsembleMetricsOn()) publishRoundMetrics(metrics, round);
      const written = await table.putRound(compactRound(round), slot.scheduledAt);
      result[written ? 'written' : 'alreadyWritten'] += 1;
      rounds.push(round);
      logger.debug('round', { roundId: round.roundId, scheduledAt: slot.scheduledAt.toISOString(), written, servers: round.servers.map((s) => `${s.address} ${s.mode}`) });
    }
    // The one INFO line of the invocation: what the dashboard's Logs Insights widgets read.
    logger.info(result.written > 0 ? 'round written' : 'round already written (retried invocation)', { ...invocationSummary(rounds), ...result, invocationMs: Math.round(performance.now() - startedAt) });
    return result;
  } finally {
    logger.resetKeys();
  }
}

/**
 * The invocation's rounds in one line (fields named in ProbeLogFields): the last round's
 * id, the lowest serving count, the leader count furthest from one, the slowest probe.
 */
function invocationSummary(rounds: readonly ProbeRound[]) {
  const last = rounds.at(-1);
  const canary = rounds.flatMap((r) => (r.canary ? [r.canary] : []));
  return {
    roundId: last?.roundId,
    rounds: rounds.length,
    size: last?.servers.length,
    [ProbeLogFields.serving]: Math.min(...rounds.map((r) => r.ensemble.serving)),
    [ProbeLogFields.leaders]: rounds.map((r) => r.ensemble.leaderCount).reduce((worst, n) => (Math.abs(n - 1) > Math.abs(worst - 1) ? n : worst)),
    [ProbeLogFields.durationMs]: Math.max(...rounds.map((r) => r.durationMs)),
    ...(canary.length > 0 ? { [ProbeLogFields.canaryMs]: Math.max(...canary.map((c) => c.totalMs)), canaryOk: canary.every((c) => c.ok) } : {}),
  };
}

/** With a TLS port, four-letter words go there instead of the client port (the canary stays on the client port). */
function probedServers({ servers, securePort }: ProbeEvent['ensemble']) {
  return securePort === undefined ? servers : servers.map((server) => ({ ...server, port: securePort }));
}

/** The canary's digest credentials; cached while the function is warm. */
async function digestCredentials(secretId: string): Promise<string> {
  const value = await getSecret(secretId, { maxAge: 300 });
  if (typeof value !== 'string' || !value.includes(':')) throw new Error(`secret ${secretId}: expected a "user:password" string`);
  return value;
}
