/**
 * Faults on a real ensemble of this file's own: pause a follower, kill the leader, stop
 * two of three. The tests run in order and each restores the ensemble it broke.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { addressesOf, privateEnsemble } from '../support/ensembles.ts';
import { expectNoHang } from '../support/hang-guard.ts';
import { waitUntil } from '../support/wait-until.ts';

// Long enough for the canary to move past a paused server on a loaded machine.
const DEADLINE_MS = 2000;
let ensemble: LocalEnsemble;

beforeAll(async () => {
  ensemble = await privateEnsemble({ size: 3 });
});

async function timedRound(): Promise<{ round: ProbeRound; elapsed: number }> {
  const started = performance.now();
  const round = await probeEnsemble(addressesOf(ensemble), { timeoutMs: DEADLINE_MS, canary: {} });
  return { round, elapsed: performance.now() - started };
}

const byAddress = (round: ProbeRound, id: number) => round.servers.find((s) => s.address === ensemble.server(id).address);

describe.sequential('faults on a real ensemble', () => {
  it('a paused follower: the round returns within its deadline (hang guard), that server timeout, the rest correct', async () => {
    const [follower] = await ensemble.followers();
    if (follower === undefined) throw new Error('no follower found');
    const leader = await ensemble.leader();
    ensemble.pause(follower);
    try {
      const { round, elapsed } = await timedRound();
      expectNoHang(elapsed, DEADLINE_MS);
      expect(byAddress(round, follower)).toMatchObject({ mode: 'timeout' });
      expect(['reply-timeout', 'connect-timeout']).toContain(byAddress(round, follower)?.error?.kind);
      expect(byAddress(round, leader as number)?.mode).toBe('leader');
      expect(round.ensemble).toMatchObject({ leaderCount: 1, serving: 2, hasQuorum: true });
      expect(round.canary?.ok).toBe(true);
    } finally {
      ensemble.resume(follower);
    }
    await ensemble.waitServing();
  });

  it('the leader killed: during the election no leader, after it a new one', async () => {
    const oldLeader = await ensemble.leader();
    if (oldLeader === undefined) throw new Error('no leader found');
    await ensemble.kill(oldLeader);
    try {
      const during = await probeEnsemble(addressesOf(ensemble), { timeoutMs: DEADLINE_MS });
      // Refused once the process is gone; reset when the kill lands mid-exchange.
      expect(byAddress(during, oldLeader)).toMatchObject({ mode: 'unreachable' });
      expect(['connection-refused', 'connection-reset']).toContain(byAddress(during, oldLeader)?.error?.kind);
      for (const s of during.servers.filter((s) => s.address !== ensemble.server(oldLeader).address)) {
        expect(['not-serving', 'leader', 'follower']).toContain(s.mode);
      }

      const rounds: ProbeRound[] = [during];
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && !(rounds.at(-1)?.ensemble.leaderCount === 1 && rounds.at(-1)?.ensemble.hasQuorum)) {
        await new Promise((r) => setTimeout(r, 100));
        rounds.push(await probeEnsemble(addressesOf(ensemble), { timeoutMs: DEADLINE_MS }));
      }
      const after = rounds.at(-1) as ProbeRound;
      expect(after.ensemble).toMatchObject({ leaderCount: 1, hasQuorum: true, serving: 2 });
      expect(after.ensemble.leaders[0]).not.toBe(ensemble.server(oldLeader).address);
      expect(after.ensemble.epoch).toBeGreaterThan(during.servers.find((s) => s.epoch !== undefined)?.epoch ?? 0);
    } finally {
      ensemble.restart(oldLeader);
    }
    await ensemble.waitServing();
  });

  it('two of three stopped: not-serving, no quorum, the canary fails with a named error within its deadline', async () => {
    const [a, b, c] = [1, 2, 3];
    await Promise.all([ensemble.stop(a), ensemble.stop(b)]);
    try {
      // The survivor notices it lost its followers only after its sync limit.
      await waitUntil(async () => (await ensemble.modes()).get(c) === undefined, 'the survivor to stop serving');
      const { round, elapsed } = await timedRound();
      expectNoHang(elapsed, DEADLINE_MS);
      expect(byAddress(round, c)).toMatchObject({ mode: 'not-serving', alive: true, error: { kind: 'not-serving' } });
      expect(byAddress(round, a)?.mode).toBe('unreachable');
      expect(round.ensemble).toMatchObject({ hasQuorum: false, leaderCount: 0, serving: 0 });
      expect(round.canary).toMatchObject({ ok: false, error: { kind: 'no-quorum', step: 'connect' } });
    } finally {
      ensemble.restart(a);
      ensemble.restart(b);
    }
    await ensemble.waitServing();
  });
});
