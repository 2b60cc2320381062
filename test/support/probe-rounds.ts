/**
 * Hand-made `ProbeRound`s for the evaluator's unit tests: servers in a given mode with
 * the metrics a signal needs; the ensemble view is computed by the real code.
 */
import { buildEnsembleView } from '../../functions/core/probe/ensemble-view.ts';
import {
  PROBE_ROUND_VERSION,
  type CanaryResult,
  type MetricValue,
  type ProbeRound,
  type ServerMode,
  type ServerResult,
} from '../../functions/contract/probe-round.ts';

export interface ServerSpec {
  mode?: ServerMode;
  metrics?: Record<string, MetricValue>;
  conf?: Record<string, string>;
  zxid?: string;
  connections?: number;
}

export function server(address: string, spec: ServerSpec = {}): ServerResult {
  const mode = spec.mode ?? 'follower';
  const serving = ['leader', 'follower', 'observer', 'standalone', 'read-only'].includes(mode);
  const result: ServerResult = {
    address,
    mode,
    alive: mode !== 'unreachable' && mode !== 'timeout',
    source: serving ? 'four-letter-words' : 'none',
    summary: serving ? { mode, zxid: spec.zxid ?? '0x100000005', latency: { min: 0, avg: 0.5, max: 3 }, outstanding: 0, connections: spec.connections ?? 1 } : {},
    // Every field a signal reads (blind-spots.ts), so a hand-made healthy server has no blind spot.
    metrics: serving
      ? {
          zk_open_file_descriptor_count: 50,
          zk_max_file_descriptor_count: 20000,
          zk_znode_count: 5,
          zk_watch_count: 0,
          zk_approximate_data_size: 100,
          zk_fsync_threshold_exceed_count: 0,
          ...(mode === 'leader' || mode === 'standalone' ? { zk_pending_syncs: 0 } : {}),
          ...spec.metrics,
        }
      : {},
    durationMs: 3,
    timings: {},
  };
  if (spec.conf) result.conf = spec.conf;
  if (!serving) {
    result.error =
      mode === 'not-serving'
        ? { kind: 'not-serving', message: 'This ZooKeeper instance is not currently serving requests', source: 'srvr' }
        : { kind: mode === 'timeout' ? 'reply-timeout' : 'connection-refused', message: `${address} ${mode}`, source: 'srvr' };
  }
  const zxid = result.summary.zxid;
  if (zxid) {
    const z = BigInt(zxid);
    result.epoch = Number(z >> 32n);
    result.zxidCounter = Number(z & 0xffffffffn);
  }
  return result;
}

export const TRIO = ['10.0.0.1:2181', '10.0.0.2:2181', '10.0.0.3:2181'] as const;

/** A round of the three TRIO servers; `modes` defaults to leader, follower, follower. */
export function trioRound(
  roundId: string,
  startedAt: Date,
  modes: readonly ServerMode[] = ['leader', 'follower', 'follower'],
  specs: readonly ServerSpec[] = [],
  canary: CanaryResult | null = null,
): ProbeRound {
  return roundOf(
    roundId,
    startedAt,
    TRIO.map((address, i) => server(address, { ...specs[i], mode: modes[i] ?? 'follower' })),
    canary,
  );
}

export function roundOf(roundId: string, startedAt: Date, servers: ServerResult[], canary: CanaryResult | null = null, ensembleName = 'prod'): ProbeRound {
  return {
    version: PROBE_ROUND_VERSION,
    ensembleName,
    roundId,
    startedAt: startedAt.toISOString(),
    durationMs: 5,
    timeoutMs: 1000,
    servers,
    ensemble: buildEnsembleView(servers),
    canary,
  };
}

/** `base` plus n minutes. */
export function minutes(base: Date, n: number): Date {
  return new Date(base.getTime() + n * 60_000);
}
