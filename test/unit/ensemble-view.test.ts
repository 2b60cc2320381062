import { describe, expect, it } from 'vitest';
import { buildEnsembleView } from '../../functions/core/probe/ensemble-view.ts';
import type { ServerMode, ServerResult } from '../../functions/contract/probe-round.ts';

const server = (address: string, mode: ServerMode, extra: Partial<ServerResult> = {}): ServerResult => ({
  address,
  mode,
  alive: true,
  source: 'four-letter-words',
  summary: {},
  metrics: {},
  durationMs: 1,
  timings: {},
  ...extra,
});

describe('buildEnsembleView', () => {
  it('a healthy trio: one leader, quorum, synced followers from the leader', () => {
    const view = buildEnsembleView([
      server('a:1', 'follower', { summary: { zxid: '0x100000005' } }),
      server('b:1', 'leader', { summary: { zxid: '0x100000007' }, metrics: { zk_synced_followers: 2, zk_learners: 2, zk_pending_syncs: 0 } }),
      server('c:1', 'follower', { summary: { zxid: '0x100000007' } }),
    ]);
    expect(view).toEqual({
      size: 3,
      quorumSize: 2,
      serving: 3,
      leaderCount: 1,
      leaders: ['b:1'],
      hasQuorum: true,
      standalone: false,
      syncedFollowers: 2,
      learners: 2,
      pendingSyncs: 0,
      maxZxid: '0x100000007',
      zxidSpread: 2,
      staleEpochServers: 0,
      epoch: 1,
      zxidCounter: 7,
    });
  });

  it('3.4 leaders report zk_followers instead of zk_learners', () => {
    const view = buildEnsembleView([server('a:1', 'leader', { metrics: { zk_followers: 4 } })]);
    expect(view.learners).toBe(4);
  });

  it('two of three down: no quorum, no leader', () => {
    const view = buildEnsembleView([server('a:1', 'not-serving'), server('b:1', 'unreachable'), server('c:1', 'unreachable')]);
    expect(view).toMatchObject({ serving: 0, leaderCount: 0, hasQuorum: false, quorumSize: 2 });
  });

  it('records two leaders without judging them', () => {
    const view = buildEnsembleView([server('a:1', 'leader'), server('b:1', 'leader'), server('c:1', 'follower')]);
    expect(view).toMatchObject({ leaderCount: 2, leaders: ['a:1', 'b:1'], hasQuorum: true });
    expect(view.syncedFollowers).toBeUndefined();
  });

  it('a leader with too few followers has no quorum', () => {
    const view = buildEnsembleView([server('a:1', 'leader'), server('b:1', 'timeout'), server('c:1', 'timeout'), server('d:1', 'follower'), server('e:1', 'unreachable')]);
    expect(view).toMatchObject({ quorumSize: 3, hasQuorum: false, serving: 2 });
  });

  it('observers do not vote', () => {
    const view = buildEnsembleView([server('a:1', 'leader'), server('b:1', 'follower'), server('c:1', 'follower'), server('o:1', 'observer')]);
    expect(view).toMatchObject({ size: 4, quorumSize: 2, serving: 4, hasQuorum: true });
  });

  it('a standalone server is its own quorum', () => {
    expect(buildEnsembleView([server('a:1', 'standalone')])).toMatchObject({ standalone: true, hasQuorum: true, quorumSize: 1 });
    expect(buildEnsembleView([server('a:1', 'unreachable')])).toMatchObject({ standalone: false, hasQuorum: false });
  });

  it('a zxid of 0 (nothing seen yet) does not count as lag', () => {
    const view = buildEnsembleView([server('a:1', 'leader', { summary: { zxid: '0x100000000' } }), server('b:1', 'follower', { summary: { zxid: '0x0' } })]);
    expect(view.zxidSpread).toBe(0);
  });

  it('a server an epoch behind is counted apart, not as four billion transactions of lag', () => {
    const view = buildEnsembleView([
      server('a:1', 'leader', { summary: { zxid: '0x200000009' } }),
      server('b:1', 'follower', { summary: { zxid: '0x200000004' } }),
      server('c:1', 'follower', { summary: { zxid: '0x1000000ff' } }),
    ]);
    expect(view).toMatchObject({ zxidSpread: 5, staleEpochServers: 1, epoch: 2, zxidCounter: 9 });
  });
});
