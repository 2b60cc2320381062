import { metricNumber } from './classify-server.ts';
import { splitZxid } from './four-letter-words.ts';
import type { EnsembleView, ServerResult } from '../../contract/probe-round.ts';
import { isServing } from '../../contract/probe-round.ts';

/**
 * The ensemble as a whole from one round. It records, it does not judge: two leaders in
 * one round happen for ~200 ms after a paused leader resumes, so the evaluator decides
 * whether that is an alarm.
 */
export function buildEnsembleView(servers: readonly ServerResult[]): EnsembleView {
  const observers = servers.filter((s) => s.mode === 'observer').length;
  const voters = servers.length - observers;
  const quorumSize = Math.floor(voters / 2) + 1;
  const leaders = servers.filter((s) => s.mode === 'leader');
  const standalone = servers.length === 1 && servers[0]?.mode === 'standalone';
  const votingServing = servers.filter((s) => s.mode === 'leader' || s.mode === 'follower').length;
  const serving = servers.filter((s) => isServing(s.mode)).length;

  const view: EnsembleView = {
    size: servers.length,
    quorumSize,
    serving,
    leaderCount: leaders.length,
    leaders: leaders.map((s) => s.address),
    hasQuorum: standalone || (leaders.length >= 1 && votingServing >= quorumSize),
    standalone,
  };

  const leader = leaders.length === 1 ? leaders[0] : undefined;
  if (leader) {
    const synced = metricNumber(leader.metrics, 'zk_synced_followers');
    const learners = metricNumber(leader.metrics, 'zk_learners') ?? metricNumber(leader.metrics, 'zk_followers');
    const pendingSyncs = metricNumber(leader.metrics, 'zk_pending_syncs');
    if (synced !== undefined) view.syncedFollowers = synced;
    if (learners !== undefined) view.learners = learners;
    if (pendingSyncs !== undefined) view.pendingSyncs = pendingSyncs;
  }

  Object.assign(view, zxidSpread(servers, leader));
  return view;
}

/**
 * Highest zxid and how far the serving servers of its epoch trail it, in transactions.
 * A server still in an older epoch (an old leader rejoining, a follower mid-sync) is not
 * "four billion transactions behind": it is counted apart, in `staleEpochServers`. A zxid
 * of 0 means "nothing seen yet" (a follower before the first write) and is left out.
 */
function zxidSpread(servers: readonly ServerResult[], leader: ServerResult | undefined): Partial<EnsembleView> {
  const zxids = servers
    .filter((s) => isServing(s.mode) && s.summary.zxid !== undefined)
    .map((s) => BigInt(s.summary.zxid as string))
    .filter((z) => z > 0n);
  if (zxids.length === 0) return {};
  const max = zxids.reduce((a, b) => (b > a ? b : a));
  const epochOf = (z: bigint) => z >> 32n;
  const current = zxids.filter((z) => epochOf(z) === epochOf(max));
  const min = current.reduce((a, b) => (b < a ? b : a));
  const reference = leader?.summary.zxid ?? `0x${max.toString(16)}`;
  const parts = splitZxid(reference);
  return {
    maxZxid: `0x${max.toString(16)}`,
    zxidSpread: Number(max - min),
    staleEpochServers: zxids.length - current.length,
    ...(parts ? { epoch: parts.epoch, zxidCounter: parts.counter } : {}),
  };
}
