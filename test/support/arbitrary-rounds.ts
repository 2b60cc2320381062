/**
 * fast-check arbitraries for probe rounds of every kind the evaluator meets: servers in
 * any mode, with fields and words missing, blind spots, refused exchanges, checker faults
 * and canaries that pass, fail or could not run. The ensemble view is the real code's.
 */
import fc from 'fast-check';
import {
  BlindSpotReasons,
  ServerModes,
  type CanaryResult,
  type ProbeErrorKind,
  type ProbeRound,
  type ServerResult,
} from '../../functions/contract/probe-round.ts';
import { STORED_METRICS } from '../../functions/core/probe/compact-round.ts';
import { roundOf, server } from './probe-rounds.ts';

/**
 * Every mntr key a signal, an alarm or a blind-spot check reads, some of them missing in
 * each server: what a stored round keeps, and the gauges a full round carries besides
 * (the srvr summary stands in for them in stored rounds).
 */
const METRIC_KEYS = [...STORED_METRICS, 'zk_outstanding_requests', 'zk_num_alive_connections', 'zk_avg_latency', 'zk_max_latency'];

const WORDS = ['srvr', 'mntr', 'conf', 'cons'] as const;

export function arbitraryServer(address: string): fc.Arbitrary<ServerResult> {
  return fc
    .record({
      mode: fc.constantFrom(...ServerModes),
      metrics: fc.subarray(METRIC_KEYS),
      summary: fc.subarray(['zxid', 'latency', 'outstanding', 'connections'] as const),
      source: fc.constantFrom<ServerResult['source']>('four-letter-words', 'admin-server', 'none'),
      conf: fc.option(fc.constantFrom<Record<string, string>>({ maxClientCnxns: '60' }, { maxClientCnxns: '0' }, {}), { nil: undefined }),
      clients: fc.boolean(),
      blindSpots: fc.subarray([...WORDS]).chain((words) => fc.tuple(...words.map((word) => fc.record({ word: fc.constant(word), reason: fc.constantFrom(...BlindSpotReasons), message: fc.string() })))),
      refused: fc.boolean(),
      error: fc.option(fc.constantFrom<ProbeErrorKind>('connection-reset', 'no-reply', 'checker-fault', 'connection-refused'), { nil: undefined }),
      alive: fc.boolean(),
    })
    .map((r) => {
      const s = server(address, { mode: r.mode });
      const metrics = Object.fromEntries(r.metrics.map((k, i) => [k, i]));
      const summary = { ...s.summary };
      for (const field of ['zxid', 'latency', 'outstanding', 'connections'] as const) if (!r.summary.includes(field)) delete summary[field];
      const result: ServerResult = { ...s, summary, metrics, source: r.source, alive: r.alive };
      if (r.conf) result.conf = r.conf;
      if (r.clients) result.clients = { total: 3, ips: 2, top: [{ ip: '10.9.9.9', count: 2 }] };
      if (r.blindSpots.length > 0) result.blindSpots = r.blindSpots;
      if (r.refused) result.refusedExchanges = [{ word: 'mntr', kind: 'connection-reset' }];
      if (r.error) result.error = { kind: r.error, message: `${address}: ${r.error}`, source: 'srvr' };
      return result;
    });
}

const CANARIES: (CanaryResult | null)[] = [
  null,
  { ok: true, steps: { connect: 3 }, totalMs: 12.5 },
  { ok: false, steps: {}, totalMs: 1000, error: { kind: 'no-quorum', step: 'create', message: 'no quorum' } },
  { ok: false, steps: {}, totalMs: 0, error: { kind: 'checker-fault', step: 'connect', message: 'EMFILE' } },
  { ok: false, steps: {}, totalMs: 4 },
];

/** One to five servers (addresses 10.0.0.n:2181) and a canary. */
export function arbitraryRound(): fc.Arbitrary<ProbeRound> {
  return fc
    .integer({ min: 1, max: 5 })
    .chain((n) => fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => arbitraryServer(`10.0.0.${i + 1}:2181`))), fc.constantFrom(...CANARIES)))
    .map(([servers, canary]) => roundOf('r1', new Date('2030-01-01T00:00:00Z'), servers, canary));
}
