/**
 * The evaluator on rounds probed from a real 3-server ensemble: failures made with real
 * signals (kill, SIGTERM, SIGSTOP) give the expected alarm transitions, recovery resolves
 * them, and connections opened toward a low maxClientCnxns raise an early warning before
 * the limit is reached.
 */
import { connect, type Socket } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { evaluateRound, type EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import { resolveThresholds } from '../../functions/contract/thresholds.ts';
import type { Transition } from '../../functions/contract/transition.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { addressesOf, privateEnsemble } from '../support/ensembles.ts';

const MAX_CLIENT_CNXNS = 20;
// Raw sockets never start a session; keep ZooKeeper from expiring them mid-test (default 10 s).
const zk = await privateEnsemble({ size: 3, extraConfig: { maxClientCnxns: MAX_CLIENT_CNXNS, 'nio.sessionlessCnxnTimeout': 120_000 } });

// Rounds here come every ~300 ms, so durations would be hundreds of rounds: the old round
// count (read as such, with a notice) keeps persistence at 3 rounds, and no minimum firing time.
// ν of client-ip-use at 60 % (12 of 20): the raw sockets and the probe share 127.0.0.1, and
// the probe's own connections must not be the ones that reach the limit.
const settings: EvaluationSettings = {
  thresholds: resolveThresholds({ forRounds: 3, minFiringMinutes: 0, signals: { 'client-ip-use': { nu: 0.6 } } }, 'it'),
  silences: [],
  configProblems: [],
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let state: EnsembleState | undefined;
let seen: Transition[] = [];

beforeEach(() => {
  state = undefined;
  seen = [];
});

async function evaluateOnce(timeoutMs = 1000): Promise<Transition[]> {
  const round = await probeEnsemble(addressesOf(zk, false), { ensembleName: 'it', timeoutMs });
  const out = evaluateRound(state, round, settings, new Date());
  state = out.state;
  seen.push(...out.evaluation.transitions);
  return out.evaluation.transitions;
}

/** Evaluates rounds until `done` holds for everything seen so far (or gives up after maxRounds). */
async function roundsUntil(done: () => boolean, maxRounds = 40, pauseMs = 250): Promise<void> {
  for (let i = 0; i < maxRounds && !done(); i++) {
    await evaluateOnce();
    if (!done()) await sleep(pauseMs);
  }
  expect(done(), `transitions seen: ${JSON.stringify(seen.map((t) => `${t.alertKey}:${t.change}:${t.notify}`))}`).toBe(true);
}

const happened = (alertKey: string, change: Transition['change']) => seen.find((t) => t.alertKey === alertKey && t.change === change);
const firing = () => Object.values(state?.alerts ?? {}).filter((a) => a.status === 'firing');

describe('evaluator on a real ensemble', () => {
  it('a healthy ensemble raises nothing', async () => {
    await evaluateOnce();
    await evaluateOnce();
    expect(seen).toEqual([]);
    expect(state?.lastProbability).toBeLessThan(0.01);
  });

  it('connections from one client IP rising toward maxClientCnxns raise an early warning naming it before the limit', async () => {
    const target = zk.servers[0];
    if (!target) throw new Error('no server 1');
    // maxClientCnxns is per client IP: the per-IP signal reads the round's `cons` (ProbeRound v3 clients).
    const key = `early-warning:client-ip-use:${target.address}`;
    const sockets: Socket[] = [];
    try {
      await evaluateOnce();
      // One more socket whenever the last round was below warnAt. The probe itself holds up
      // to 5 connections from the same address, so 15 raw sockets is the most that is safe.
      // A socket the server has not listed yet in `cons` is counted by a later round.
      for (let i = 0; i < 40 && !happened(key, 'fired'); i++) {
        if ((state?.lastProbability ?? 0) < settings.thresholds.warnAt && sockets.length < MAX_CLIENT_CNXNS - 5) {
          sockets.push(await openSocket(target.clientPort));
        }
        await evaluateOnce();
      }
      const fired = happened(key, 'fired');
      expect(sockets.length).toBeLessThan(MAX_CLIENT_CNXNS);
      expect(fired?.signals[0]).toMatchObject({ signal: 'client-ip-use', server: target.address, subject: '127.0.0.1' });
      expect(fired?.summary).toContain('127.0.0.1');
      expect(fired?.signals[0]?.value).toBeLessThan(1);
      expect(fired?.probability).toBeGreaterThanOrEqual(settings.thresholds.warnAt);
      expect(seen.some((t) => t.level === 'alarm')).toBe(false);
      console.log(`early warning fired with ${sockets.length} raw sockets open, client-ip-use ${fired?.signals[0]?.value} of ${MAX_CLIENT_CNXNS}`);
    } finally {
      for (const s of sockets) s.destroy();
    }
    await roundsUntil(() => happened(key, 'resolved') !== undefined);
  });

  it('killing the leader fires server-down for it; its restart resolves everything', async () => {
    await evaluateOnce();
    const leader = await zk.leader();
    if (leader === undefined) throw new Error('no leader');
    const address = zk.server(leader).address;
    await zk.kill(leader);
    try {
      await roundsUntil(() => happened(`server-down:${address}`, 'fired') !== undefined);
      // Refused, or reset when the kill lands while a word is in flight.
      expect(happened(`server-down:${address}`, 'fired')?.summary).toMatch(/down: connection-(refused|reset)/);
      await roundsUntil(() => firing().every((a) => a.alertKey === `server-down:${address}`));
    } finally {
      zk.restart(leader);
      await zk.waitServing();
    }
    await roundsUntil(() => firing().length === 0 && happened(`server-down:${address}`, 'resolved') !== undefined);
    // Whatever the election showed in between (no leader, quorum lost) was resolved as well.
    for (const t of seen.filter((x) => x.change === 'fired')) expect(happened(t.alertKey, 'resolved')).toBeDefined();
  });

  it('stopping two of three loses quorum: quorum-lost notifies, the servers down are inhibited; restart resolves', async () => {
    await evaluateOnce();
    const [a, b] = await zk.followers();
    if (a === undefined || b === undefined) throw new Error('need two followers');
    await Promise.all([zk.stop(a), zk.stop(b)]);
    try {
      await roundsUntil(() => happened('quorum-lost', 'fired') !== undefined);
      expect(happened('quorum-lost', 'fired')).toMatchObject({ level: 'alarm', notify: true });
      for (const id of [a, b]) {
        expect(happened(`server-down:${zk.server(id).address}`, 'fired')).toMatchObject({ notify: false, inhibitedBy: 'quorum-lost' });
      }
    } finally {
      zk.restart(a);
      zk.restart(b);
      await zk.waitServing();
    }
    await roundsUntil(() => firing().length === 0);
    expect(happened('quorum-lost', 'resolved')).toMatchObject({ notify: true });
  });

  it('pausing a follower fires server-down (timeout); resuming resolves it', async () => {
    await evaluateOnce();
    const [follower] = await zk.followers();
    if (follower === undefined) throw new Error('no follower');
    const address = zk.server(follower).address;
    zk.pause(follower);
    try {
      await roundsUntil(() => happened(`server-down:${address}`, 'fired') !== undefined, 10);
      expect(happened(`server-down:${address}`, 'fired')).toMatchObject({ notify: true });
      expect(happened(`server-down:${address}`, 'fired')?.summary).toMatch(/timeout/);
    } finally {
      zk.resume(follower);
    }
    // A resumed server works through the connections the probe queued while it was stopped;
    // with maxClientCnxns 20 that can rightly raise the connections warning, so only alarms must clear.
    await roundsUntil(() => firing().every((a) => a.level !== 'alarm') && happened(`server-down:${address}`, 'resolved') !== undefined);
  });
});

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000, () => socket.destroy(new Error('connect timed out')));
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
