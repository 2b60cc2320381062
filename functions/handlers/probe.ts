/**
 * The probe Lambda: a Scheduler event with one ensemble's spec → `probeAndStore`
 * (functions/app/probe-and-store.ts) → round items. With `roundsPerInvocation` > 1 it
 * waits between rounds: its timeout must exceed `intervalSeconds` plus one probe deadline.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { METRICS_NAMESPACE, ServiceNames } from '../contract/handler-environment.ts';
import { parseProbeEvent } from '../contract/probe-event.ts';
import { probeAndStore, type ProbeAndStoreResult, type Prober } from '../app/probe-and-store.ts';
import { probeEnsemble } from '../adapters/zookeeper/probe-ensemble.ts';
import { logInvocation, probePorts, probeScheduleOf, probeTargetOf } from '../adapters/aws/probe-ports.ts';

const logger = new Logger({ serviceName: ServiceNames.Probe });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: ServiceNames.Probe });

export type ProbeHandlerResult = Pick<ProbeAndStoreResult, 'written' | 'alreadyWritten'>;

/** `prober`: the ZooKeeper adapter; a test gives a fixed round instead. */
export function createProbeHandler(prober: Prober = probeEnsemble) {
  return async (event: unknown, context?: Context): Promise<ProbeHandlerResult> => {
    // Request id and cold start on every line; resetKeys() below keeps them.
    if (context) logger.addContext(context);
    const parsed = parseProbeEvent(event);
    logger.appendKeys({ ensemble: parsed.ensemble.name });
    try {
      const target = await probeTargetOf(parsed.ensemble);
      const startedAt = performance.now();
      const result = await probeAndStore(target, probeScheduleOf(parsed), probePorts(prober, logger, metrics));
      logInvocation(logger, result, performance.now() - startedAt);
      return { written: result.written, alreadyWritten: result.alreadyWritten };
    } finally {
      logger.resetKeys();
    }
  };
}

export const handler = createProbeHandler();
