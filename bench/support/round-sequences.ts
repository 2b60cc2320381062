/**
 * Realistic round sequences for the evaluator benchmarks: the real rounds recorded from a
 * 3-server ensemble while a fault script played (test/fixtures/rounds/fault-script.jsonl:
 * healthy, a paused follower, a killed leader, lost quorum), and a 5-server sequence made
 * from it by giving every round two more followers copied from its own followers (same
 * answers, their own addresses), with the ensemble view rebuilt by the real code.
 */
import { readFileSync } from 'node:fs';
import { buildEnsembleView } from '../../functions/core/probe/ensemble-view.ts';
import type { ProbeRound, ServerResult } from '../../functions/contract/probe-round.ts';
import { parseRoundLine } from '../../functions/core/probe/round-lines.ts';
import { retimed } from '../../test/support/rounds.ts';

const FIXTURE = new URL('../../test/fixtures/rounds/fault-script.jsonl', import.meta.url);

export function recordedTrio(): ProbeRound[] {
  return readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => parseRoundLine(line, i + 1).round);
}

/** The same round with two more servers answering like its first non-leader (or first) server. */
export function widenedToFive(round: ProbeRound): ProbeRound {
  const model = round.servers.find((s) => s.mode !== 'leader') ?? (round.servers[0] as ServerResult);
  const extra = [1, 2].map((n): ServerResult => ({ ...model, address: `127.0.0.2:${2180 + n}` }));
  const servers = [...round.servers, ...extra];
  return { ...round, servers, ensemble: buildEnsembleView(servers) };
}

/**
 * `count` rounds cycling through `rounds`, each retimed `intervalMs` after the previous
 * (fresh ids), as a scheduler would produce them over a long run.
 */
export function roundStream(rounds: readonly ProbeRound[], count: number, intervalMs: number, start = Date.parse('2026-03-01T00:00:00Z')): ProbeRound[] {
  return Array.from({ length: count }, (_, i) => retimed(rounds[i % rounds.length] as ProbeRound, new Date(start + i * intervalMs)));
}
