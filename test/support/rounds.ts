import { buildEnsembleView } from '../../functions/core/probe/ensemble-view.ts';
import type { ProbeRound, ServerResult } from '../../functions/contract/probe-round.ts';
import { roundIdOf } from '../../functions/core/probe/round-slots.ts';

/** The same round as if taken at `startedAt` (id derived as the probe handler derives it). */
export function retimed(round: ProbeRound, startedAt: Date, ensembleName = round.ensembleName): ProbeRound {
  return { ...round, ensembleName, startedAt: startedAt.toISOString(), roundId: roundIdOf(ensembleName, startedAt) };
}

/** The round with server `index` refusing connections, and the ensemble view rebuilt to match. */
export function withServerDown(round: ProbeRound, index: number): ProbeRound {
  const servers = round.servers.map((server, i): ServerResult =>
    i !== index
      ? server
      : {
          address: server.address,
          mode: 'unreachable',
          error: { kind: 'connection-refused', message: `connect ECONNREFUSED ${server.address}`, source: 'ruok' },
          alive: false,
          source: 'none',
          summary: {},
          metrics: {},
          durationMs: 1,
          timings: {},
        },
  );
  return { ...round, servers, ensemble: buildEnsembleView(servers) };
}

/** Index of a follower: taking it down raises server-down and nothing else (the leader would add no-leader). */
export function followerIndex(round: ProbeRound): number {
  const index = round.servers.findIndex((s) => s.mode === 'follower');
  if (index < 0) throw new Error(`round ${round.roundId} has no follower`);
  return index;
}
