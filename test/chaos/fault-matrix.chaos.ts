/**
 * The fault matrix on a real 3-server ensemble (tickTime 200): kill (SIGKILL), pause
 * (SIGSTOP), stop (SIGTERM) and restart each role, leader and follower, then five leader
 * kills in a row. Rounds are probed every 250 ms, each evaluated by the real evaluator
 * with its state carried over the whole file, and every round must end within its
 * deadline. For each fault: the faulty server is classified as it should be, the
 * ensemble's view matches (a new leader where the leader went), the right alarm is
 * notified exactly once, and everything resolves after the server is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRound } from '../../functions/core/evaluate/evaluate-round.ts';
import type { EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { settingsFor } from '../../functions/core/evaluate/settings-snapshot.ts';
import type { Transition } from '../../functions/contract/transition.ts';
import { isServing, type ProbeRound, type ServerMode } from '../../functions/contract/probe-round.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { addressesOf, privateEnsemble } from '../support/ensembles.ts';
import { waitUntil } from '../support/wait-until.ts';

const TIMEOUT_MS = 1000;
/** A round may overrun its per-server deadline only by scheduling noise. */
const ROUND_BUDGET_MS = TIMEOUT_MS + 500;
const settings = settingsFor({ thresholds: {}, silences: [], configProblems: [] }, 'chaos');

let ensemble: LocalEnsemble;
let state: EnsembleState | undefined;
/** Every notified transition of the file, in order. */
const notified: Transition[] = [];
let rounds = 0;

beforeAll(async () => {
  ensemble = await privateEnsemble({ size: 3, tickTime: 200 });
});
afterAll(() => {
  // Every round of the file met its deadline (checked per round; this proves rounds ran).
  expect(rounds).toBeGreaterThan(20);
});

const addressOf = (id: number) => ensemble.server(id).address;

/** One round, evaluated; fails the test if it overran its deadline. */
async function probeAndEvaluate(): Promise<ProbeRound> {
  const round = await probeEnsemble(addressesOf(ensemble, false), { ensembleName: 'chaos', timeoutMs: TIMEOUT_MS });
  rounds++;
  expect(round.durationMs, `round took ${round.durationMs} ms`).toBeLessThanOrEqual(ROUND_BUDGET_MS);
  const result = evaluateRound(state, round, settings, new Date());
  state = result.state;
  notified.push(...result.evaluation.transitions.filter((t) => t.notify));
  return round;
}

/** Probes every 250 ms until `ok(round)`, for at most `withinMs`; returns that round. */
async function roundUntil(what: string, ok: (round: ProbeRound) => boolean, withinMs: number): Promise<ProbeRound> {
  let last: ProbeRound | undefined;
  try {
    await waitUntil(async () => ok((last = await probeAndEvaluate())), what, { timeoutMs: withinMs, everyMs: 250 });
  } catch (err) {
    throw new Error(`${(err as Error).message}; last round: ${last?.servers.map((s) => `${s.address} ${s.mode}`).join(', ')}`);
  }
  return last as ProbeRound;
}

const modeOf = (round: ProbeRound, id: number): ServerMode | undefined => round.servers.find((s) => s.address === addressOf(id))?.mode;
const healthy = (round: ProbeRound) => round.servers.every((s) => isServing(s.mode)) && round.ensemble.leaderCount === 1;
const firing = () => Object.values(state?.alerts ?? {}).filter((a) => a.status === 'firing' && a.level === 'alarm').map((a) => a.alertKey);

async function backToHealthy(): Promise<void> {
  await ensemble.waitServing(30_000, [1, 2, 3]);
  await roundUntil('all serving, one leader, no alarm firing', (r) => healthy(r) && firing().length === 0, 15_000);
}

type Role = 'leader' | 'follower';
type Action = 'kill' | 'pause' | 'stop' | 'restart';

async function pick(role: Role): Promise<number> {
  const id = role === 'leader' ? await ensemble.leader() : (await ensemble.followers())[0];
  if (id === undefined) throw new Error(`no ${role} to pick`);
  return id;
}

/** Applies the action; returns the mode the server must show while it lasts, and the undo. */
async function apply(action: Action, id: number): Promise<{ expected: ServerMode; undo: () => Promise<void> }> {
  switch (action) {
    case 'kill':
      await ensemble.kill(id);
      return { expected: 'unreachable', undo: async () => ensemble.restart(id) };
    case 'stop':
      await ensemble.stop(id);
      return { expected: 'unreachable', undo: async () => ensemble.restart(id) };
    case 'pause':
      ensemble.pause(id);
      return { expected: 'timeout', undo: async () => ensemble.resume(id) };
    case 'restart':
      // A restart is a stop and a start with the old data: seen down, then back as a follower.
      await ensemble.stop(id);
      return { expected: 'unreachable', undo: async () => ensemble.restart(id) };
  }
}

describe('fault matrix on a real ensemble', () => {
  it('starts healthy with nothing firing', async () => {
    await backToHealthy();
    expect(notified).toEqual([]);
  });

  const matrix: [Role, Action][] = (['leader', 'follower'] as const).flatMap((role) => (['kill', 'pause', 'stop', 'restart'] as const).map((action): [Role, Action] => [role, action]));
  it.each(matrix)('%s %s: classified, alarmed once, resolved after it is back', async (role, action) => {
    const id = await pick(role);
    const address = addressOf(id);
    const before = notified.length;
    const { expected, undo } = await apply(action, id);

    const seen = await roundUntil(`${address} ${expected}`, (r) => modeOf(r, id) === expected && firing().includes(`server-down:${address}`), 10_000);
    if (role === 'leader') {
      // The other two elect a new leader: seen within the election time (≈1.5 s at tickTime 200).
      const elected = await roundUntil('a new leader', (r) => r.ensemble.leaderCount === 1 && !r.ensemble.leaders.includes(address), 10_000);
      expect(elected.ensemble.serving).toBe(2);
    } else {
      expect(seen.ensemble.leaderCount).toBe(1);
    }

    await undo();
    await backToHealthy();
    const during = notified.slice(before).filter((t) => t.alertKey === `server-down:${address}`);
    expect(during.map((t) => t.change)).toEqual(['fired', 'resolved']);
  });

  it('kills the leader five times in a row: each election seen, each alarm fired once and resolved', async () => {
    const killed: string[] = [];
    const epochs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = notified.length;
      const leader = await pick('leader');
      const address = addressOf(leader);
      await ensemble.kill(leader);
      const elected = await roundUntil(`election ${i + 1}`, (r) => modeOf(r, leader) === 'unreachable' && r.ensemble.leaderCount === 1 && !r.ensemble.leaders.includes(address), 10_000);
      if (elected.ensemble.epoch !== undefined) epochs.push(elected.ensemble.epoch);
      ensemble.restart(leader);
      await backToHealthy();
      killed.push(address);
      // A round that lands mid-election sees no quorum: then quorum-lost is what is told, and
      // the dead leader's server-down waits inhibited (told later only if it outlasts quorum-lost).
      const told = notified.slice(before).filter((t) => t.alertKey === `server-down:${address}` || t.alertKey === 'quorum-lost');
      const keys = [...new Set(told.map((t) => t.alertKey))];
      expect(keys.length, `election ${i + 1}: told about the dead leader`).toBeGreaterThan(0);
      for (const key of keys) {
        expect(told.filter((t) => t.alertKey === key).map((t) => t.change), `election ${i + 1}: ${key}`).toEqual(['fired', 'resolved']);
      }
    }
    expect(killed).toHaveLength(5);
    // Every election moved the epoch on.
    expect(epochs).toHaveLength(5);
    for (let i = 1; i < epochs.length; i++) expect(epochs[i]).toBeGreaterThan(epochs[i - 1] as number);
  });
});
