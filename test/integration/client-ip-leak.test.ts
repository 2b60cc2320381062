/**
 * A client host leaking real ZooKeeper sessions from 127.0.0.2 toward maxClientCnxns while
 * the probe runs from 127.0.0.1, against a real 3.8 ensemble.
 *
 * What 3.8.0 really does at the limit (measured here): the connection that would be the
 * (limit+1)-th from 127.0.0.2 is accepted by the kernel and closed by the server at once
 * (the session attempt sees the socket close, a four-letter word sees EPIPE/ECONNRESET),
 * `zk_connection_rejected` counts it, and every other IP still connects. So the probe from
 * 127.0.0.1 is never refused: for it, turned-away clients show only as the counter (the
 * evaluator's zk_connection_rejected half), not as refused exchanges. A probe on the leaking
 * host itself is refused on every word while the other servers answer: that is
 * `clients-turned-away`, not `server-down`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkAlarms } from '../../functions/core/evaluate/alarm-checks.ts';
import type { EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { evaluateRound, type EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import type { Transition } from '../../functions/contract/transition.ts';
import { metricNumber } from '../../functions/core/probe/classify-server.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { probeEnsemble, type ProbeOptions } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { addressesOf, privateEnsemble } from '../support/ensembles.ts';
import { SessionLeak } from '../support/session-leak.ts';

const LIMIT = 12;
const LEAKER = '127.0.0.2';
const zk = await privateEnsemble({ size: 3, maxClientCnxns: LIMIT });
const target = zk.servers[0]!;
const settings: EvaluationSettings = { thresholds: resolveThresholds(DEFAULT_THRESHOLDS, 'leak'), silences: [], configProblems: [] };

let leak: SessionLeak | undefined;
afterEach(() => leak?.close());
// The server drops a closed session's connection when it reads the close: wait for that, so
// each test starts from no connections from the leaker.
beforeEach(async () => {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const top = onTarget(await probe()).clients?.top ?? [];
    if (!top.some((t) => t.ip === LEAKER)) return;
  }
  throw new Error(`connections from ${LEAKER} still open on ${target.address} after 15 s`);
});

const probe = (options: ProbeOptions = {}) => probeEnsemble(addressesOf(zk, false), { ensembleName: 'leak', timeoutMs: 2000, ...options });
const onTarget = (round: ProbeRound) => round.servers.find((s) => s.address === target.address)!;

/** Rounds until the server's cons shows `count` connections from the leaker (sessions are granted asynchronously). */
async function roundShowing(count: number, options: ProbeOptions = {}): Promise<ProbeRound> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const round = await probe(options);
    const top = onTarget(round).clients?.top.find((t) => t.ip === LEAKER);
    if (top?.count === count || Date.now() > deadline) return round;
  }
}

describe('sessions leaking from one client IP', () => {
  it('the round names 127.0.0.2 as the busiest IP with its exact count, the probe on 127.0.0.1 beside it', async () => {
    leak = new SessionLeak({ host: '127.0.0.1', port: target.clientPort, localAddress: LEAKER });
    expect(await leak.openUpTo(7)).toBeUndefined();
    const round = await roundShowing(7);
    const server = onTarget(round);
    expect(server.mode === 'leader' || server.mode === 'follower').toBe(true);
    expect(server.clients?.top[0]).toEqual({ ip: LEAKER, count: 7 });
    // The probe's own connections (cons itself, and any word still open) come from 127.0.0.1.
    expect(server.clients?.top[1]?.ip).toBe('127.0.0.1');
    expect(server.clients?.ips).toBe(2);
    expect(server.clients?.total).toBe(7 + (server.clients?.top[1]?.count ?? 0));
    expect(server.clients?.truncated).toBeUndefined();
    expect(server.conf?.maxClientCnxns).toBe(String(LIMIT));
    for (const other of round.servers.filter((s) => s !== server)) expect(other.clients?.top.map((t) => t.ip)).not.toContain(LEAKER);
  });

  it('a cons reply cut at the byte cap gives lower bounds, marked truncated', async () => {
    leak = new SessionLeak({ host: '127.0.0.1', port: target.clientPort, localAddress: LEAKER });
    expect(await leak.openUpTo(8)).toBeUndefined();
    await roundShowing(8);
    // One cons line of 3.8.0 is ~190 bytes: 600 bytes hold three of the nine-plus lines.
    const server = onTarget(await probe({ consMaxBytes: 600 }));
    expect(server.clients?.truncated).toBe(true);
    expect(server.clients?.total).toBeGreaterThanOrEqual(2);
    expect(server.clients?.total).toBeLessThan(8);
    expect(server.blindSpots).toBeUndefined();
  });

  it('at the limit the server refuses 127.0.0.2 and counts it, while the probe from 127.0.0.1 is served: no refused exchanges', async () => {
    leak = new SessionLeak({ host: '127.0.0.1', port: target.clientPort, localAddress: LEAKER });
    const before = metricNumber(onTarget(await probe()).metrics, 'zk_connection_rejected') ?? 0;
    expect(await leak.openUpTo(LIMIT)).toBeUndefined();
    const refused = await leak.openSession();
    expect(refused.ok).toBe(false);

    const round = await roundShowing(LIMIT);
    const server = onTarget(round);
    expect(server.clients?.top[0]).toEqual({ ip: LEAKER, count: LIMIT });
    expect(server.refusedExchanges).toBeUndefined();
    expect(server.blindSpots).toBeUndefined();
    expect(metricNumber(server.metrics, 'zk_connection_rejected')).toBeGreaterThan(before);
    const alarms = checkAlarms(round, { multiLeaderRounds: 0 });
    expect(alarms.conditions.filter((c) => c.state === 'raise')).toEqual([]);
  });

  it('a probe on the leaking host is turned away by that server while the others answer: clients-turned-away fires (beside the mode\'s own alarm), resolved once the leak closes', async () => {
    leak = new SessionLeak({ host: '127.0.0.1', port: target.clientPort, localAddress: LEAKER });
    expect(await leak.openUpTo(LIMIT)).toBeUndefined();
    let state: EnsembleState | undefined;
    const seen: Transition[] = [];
    const evaluate = async () => {
      const round = await probe({ localAddress: LEAKER });
      const out = evaluateRound(state, round, settings, new Date(Date.parse(round.startedAt) + 1));
      state = out.state;
      seen.push(...out.evaluation.transitions);
      return round;
    };
    const first = await evaluate();
    const server = onTarget(first);
    // 3.8.0 resets some of these connections and closes others unanswered, word by word.
    expect(['unreachable', 'not-serving']).toContain(server.mode);
    expect(['connection-reset', 'no-reply']).toContain(server.error?.kind);
    expect(server.alive).toBe(false);
    expect(first.servers.filter((s) => s !== server).every((s) => s.mode === 'leader' || s.mode === 'follower')).toBe(true);
    await evaluate();
    const key = `clients-turned-away:${target.address}`;
    const fired = seen.find((t) => t.alertKey === key && t.change === 'fired');
    expect(fired, JSON.stringify(seen.map((t) => `${t.alertKey}:${t.change}`))).toMatchObject({ level: 'alarm', notify: true, server: target.address });
    expect(fired?.summary).toContain(`server ${target.address} closes every connection from the probe unanswered while its peers answer: the probe's own IP is at maxClientCnxns`);

    leak.close();
    const deadline = Date.now() + 15_000;
    while (!seen.some((t) => t.alertKey === key && t.change === 'resolved') && Date.now() < deadline) await evaluate();
    expect(seen.filter((t) => t.alertKey === key).map((t) => t.change)).toEqual(['fired', 'resolved']);
  });

  it('the real evaluator warns naming 127.0.0.2 before the limit turns it away (per-IP signal)', async () => {
    leak = new SessionLeak({ host: '127.0.0.1', port: target.clientPort, localAddress: LEAKER });
    // Rounds come every few hundred ms here: persistence as 3 rounds (the old form, read with a notice), no minimum firing time.
    const perRound: EvaluationSettings = { thresholds: resolveThresholds({ forRounds: 3, minFiringMinutes: 0 }, 'leak'), silences: [], configProblems: [] };
    const key = `early-warning:client-ip-use:${target.address}`;
    let state: EnsembleState | undefined;
    const seen: Transition[] = [];
    const fired = () => seen.find((t) => t.alertKey === key && t.change === 'fired');
    for (let i = 0; i < 40 && !fired(); i++) {
      // One more session per round, never the one that would be refused.
      if (leak.open < LIMIT - 1) expect(await leak.openSession()).toMatchObject({ ok: true });
      const round = await probe();
      const out = evaluateRound(state, round, perRound, new Date(Date.parse(round.startedAt) + 1));
      state = out.state;
      seen.push(...out.evaluation.transitions);
    }
    const warning = fired();
    expect(warning, JSON.stringify(seen.map((t) => `${t.alertKey}:${t.change}`))).toBeDefined();
    expect(warning?.signals[0]).toMatchObject({ signal: 'client-ip-use', server: target.address, subject: LEAKER });
    expect(warning?.summary).toContain(LEAKER);
    expect(leak.open).toBeLessThan(LIMIT);
    expect(seen.filter((t) => t.level === 'alarm')).toEqual([]);
    console.log(`per-IP warning fired with ${leak.open} of ${LIMIT} sessions open from ${LEAKER}`);
  });
});
