/**
 * Rounds out of order, redelivered, and stamped by a probe clock minutes ahead of or
 * behind the evaluator's, over the REAL recorded fault script: alerts never flip
 * backwards and nothing is notified twice. Property-based (fast-check): any arrival order
 * with bounded disorder and duplicates, any skew up to ±10 minutes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRound } from '../../functions/core/evaluate/evaluate-round.ts';
import type { EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { settingsFor } from '../../functions/core/evaluate/settings-snapshot.ts';
import type { Transition } from '../../functions/contract/transition.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { parseRoundLine } from '../../functions/core/probe/round-lines.ts';

const recorded: ProbeRound[] = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'rounds', 'fault-script.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l, i) => parseRoundLine(l, i + 1).round);
const settings = settingsFor({ thresholds: {}, silences: [], configProblems: [] }, 'fault-script');
const MINUTE = 60_000;

interface Arrival {
  round: ProbeRound;
  /** Evaluator clock at arrival. */
  now: Date;
}

/** Evaluates arrivals in order, carrying the state; every transition with the round that caused it. */
function run(arrivals: readonly Arrival[]): { round: ProbeRound; transition: Transition }[] {
  let state: EnsembleState | undefined;
  const out: { round: ProbeRound; transition: Transition }[] = [];
  for (const { round, now } of arrivals) {
    const result = evaluateRound(state, round, settings, now);
    state = result.state;
    for (const transition of result.evaluation.transitions) out.push({ round, transition });
  }
  return out;
}

/**
 * An arrival order: the recorded rounds with each moved up to `displacements[i]` places
 * later and some delivered a second time further on, stamped by a probe clock `skewMs`
 * off; the evaluator's clock advances with each arrival.
 */
function arrivalsOf(displacements: readonly number[], repeats: readonly number[], skewMs: number): Arrival[] {
  const order = recorded.map((round, i) => ({ round, key: i + (displacements[i] ?? 0) + 0.5 }));
  recorded.forEach((round, i) => {
    const later = repeats[i] ?? 0;
    if (later > 0) order.push({ round, key: i + later });
  });
  order.sort((a, b) => a.key - b.key);
  const start = Date.parse(recorded[0]?.startedAt as string);
  return order.map(({ round }, i) => ({
    round: { ...round, startedAt: new Date(Date.parse(round.startedAt) + skewMs).toISOString() },
    now: new Date(start + i * 500 + 250),
  }));
}

const disorder = fc.record({
  displacements: fc.array(fc.nat({ max: 6 }), { minLength: recorded.length, maxLength: recorded.length }),
  repeats: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 40 })), { minLength: recorded.length, maxLength: recorded.length }),
  skewMs: fc.integer({ min: -10 * MINUTE, max: 10 * MINUTE }),
});

describe('rounds out of order, redelivered, and clock skew between probe and evaluator', () => {
  it('in order and without skew, the recorded faults fire and resolve (the baseline the properties compare with)', () => {
    const changes = run(arrivalsOf([], [], 0)).map((t) => `${t.transition.change} ${t.transition.alertKey}`);
    expect(changes).toContain('fired quorum-lost');
    expect(changes).toContain('resolved quorum-lost');
    expect(changes.filter((c) => c.startsWith('fired server-down')).length).toBeGreaterThanOrEqual(2);
  });

  it('no alert flips backwards and nothing is notified twice, whatever the order, duplicates and skew', () => {
    fc.assert(
      fc.property(disorder, ({ displacements, repeats, skewMs }) => {
        const arrivals = arrivalsOf(displacements, repeats, skewMs);
        const transitions = run(arrivals);

        // Per alert, as notified: fired, (reminders,) resolved, fired … never two firings or a
        // resolve of nothing. (An inhibited alert's transitions are recorded with notify false.)
        const firing = new Map<string, boolean>();
        for (const { transition: t } of transitions.filter((x) => x.transition.notify)) {
          const was = firing.get(t.alertKey) ?? false;
          if (t.change === 'fired') expect(was, `${t.alertKey} fired twice`).toBe(false);
          if (t.change === 'resolved' || t.change === 'reminder') expect(was, `${t.alertKey} ${t.change} while not firing`).toBe(true);
          firing.set(t.alertKey, t.change !== 'resolved');
        }
        // Only rounds newer than every round before them change anything.
        const times = [...new Set(transitions.map((t) => Date.parse(t.round.startedAt)))];
        for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
        // Exactly what evaluating, in order, only the rounds that arrived newest-so-far decides.
        let newest = -Infinity;
        const seen = new Set<string>();
        const accepted = arrivals.filter(({ round }) => {
          const at = Date.parse(round.startedAt);
          const fresh = !seen.has(round.roundId) && at > newest;
          seen.add(round.roundId);
          if (fresh) newest = at;
          return fresh;
        });
        const strip = (list: ReturnType<typeof run>) => list.map(({ round, transition: t }) => `${round.roundId} ${t.change} ${t.alertKey}`);
        expect(strip(transitions)).toEqual(strip(run(accepted)));
      }),
      { numRuns: 150 },
    );
  });

  it('a probe clock minutes ahead or behind gives the same notifications as a synchronised one', () => {
    const story = (skewMs: number) => run(arrivalsOf([], [], skewMs)).map(({ round, transition: t }) => `${round.roundId} ${t.change} ${t.alertKey}`);
    const synchronised = story(0);
    for (const skew of [-10, -3, -1, 1, 3, 10]) expect(story(skew * MINUTE), `skew ${skew} min`).toEqual(synchronised);
  });
});
