/**
 * Evaluator throughput on one core and DynamoDB request units per round and evaluation.
 *
 * Throughput: `evaluateRound` over a stream of real recorded rounds (3 servers; and the
 * same rounds widened to 5 servers, bench/support/round-sequences.ts), state carried from
 * round to round as in production. Baseline, measured in the same run: a JSON round trip
 * (stringify + parse) of the same round and of the state, the least any evaluator that
 * reads a round and stores a state must do.
 *
 * Request units: a day of rounds (1,440 at 1/min, recorded and retimed) written and
 * evaluated through the outbox path against dynalite, units from `ReturnConsumedCapacity`;
 * next to them the units computed from the item sizes by DynamoDB's rules; then the same
 * for the evaluations that sent no message, and what a message adds (its outbox write and
 * clearing).
 *
 * State item budget: the largest state item (by DynamoDB's size rules) over the first 7 h
 * of the scenario corpus' noisy healthy week (test/fixtures/scenarios), where every series
 * the forecasts keep is full (6 h long window, per-IP clients, latency counters): it must
 * stay ≤ 4 KB, one strongly consistent read unit.
 *   npm run bench:evaluator [-- --rounds 2000 --runs 9]
 */
import { parseArgs } from 'node:util';
import { openEmbeddedStore } from '../functions/adapters/local/embedded-store.ts';
import { evaluateRound } from '../functions/core/evaluate/evaluate-round.ts';
import type { EnsembleState } from '../functions/contract/ensemble-state.ts';
import { settingsFor } from '../functions/core/evaluate/settings-snapshot.ts';
import type { ProbeRound } from '../functions/contract/probe-round.ts';
import { median, row, sample } from './stats.ts';
import { recordedTrio, roundStream, widenedToFive } from './support/round-sequences.ts';
import { stateItem } from '../functions/adapters/aws/results-table.ts';
import { itemBytes, measureStoreCost } from './support/store-cost.ts';
import { readCorpus } from './warning-scenarios.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2000' }, runs: { type: 'string', default: '9' }, 'store-rounds': { type: 'string', default: '1440' } } });
const count = Number(values.rounds);
const runs = Number(values.runs);
const settings = settingsFor({ thresholds: {}, silences: [], configProblems: [] }, 'bench');

function evaluateAll(rounds: readonly ProbeRound[]): number {
  let state: EnsembleState | undefined;
  let transitions = 0;
  for (const round of rounds) {
    const out = evaluateRound(state, round, settings, new Date(round.startedAt));
    state = out.state;
    transitions += out.evaluation.transitions.length;
  }
  return transitions;
}

function jsonRoundTrips(rounds: readonly ProbeRound[], state: EnsembleState): number {
  let bytes = 0;
  for (const round of rounds) {
    const text = JSON.stringify(round);
    const stateText = JSON.stringify(state);
    bytes += (JSON.parse(text) as ProbeRound).servers.length + (JSON.parse(stateText) as EnsembleState).lastRoundIds.length + text.length;
  }
  return bytes;
}

const trio = recordedTrio();
console.log(`evaluator benchmark: ${count} rounds per run, ${runs} runs, ${trio.length} recorded rounds cycled, node ${process.version}`);
const perSecond = (samples: readonly number[]) => Math.round(count / (median(samples) / 1000));
for (const [label, base] of [
  ['3-server rounds (recorded)', trio],
  ['5-server rounds (recorded, widened)', trio.map(widenedToFive)],
] as const) {
  const rounds = roundStream(base, count, 60_000);
  const transitions = evaluateAll(rounds);
  let finalState: EnsembleState | undefined;
  for (const round of rounds) finalState = evaluateRound(finalState, round, settings, new Date(round.startedAt)).state;
  // Warm both paths before timing.
  for (let i = 0; i < 2; i++) {
    evaluateAll(rounds);
    jsonRoundTrips(rounds, finalState as EnsembleState);
  }
  const baseline = await sample(runs, async () => jsonRoundTrips(rounds, finalState as EnsembleState));
  const evaluated = await sample(runs, async () => evaluateAll(rounds));
  console.log(`\n${label}: ${transitions} transitions over ${count} rounds`);
  console.log(`${row(`baseline: JSON round trip of round + state ×${count}`, baseline)} | ${perSecond(baseline)}/s`);
  console.log(`${row(`evaluateRound ×${count}`, evaluated, baseline)} | ${perSecond(evaluated)} evaluations/s`);
}

{
  const corpus = readCorpus('noisy-week').slice(0, 7 * 60);
  const corpusSettings = settingsFor({ thresholds: {}, silences: [], configProblems: [] }, 'noisy-week');
  let state: EnsembleState | undefined;
  let largest = 0;
  let largestJson = 0;
  for (const round of corpus) {
    state = evaluateRound(state, round, corpusSettings, new Date(round.startedAt)).state;
    // As stored (deflated, issue 16), and the JSON it holds.
    const bytes = itemBytes(stateItem(state.ensembleName, { state, outbox: [] }, 1_000_000));
    largest = Math.max(largest, bytes);
    largestJson = Math.max(largestJson, Buffer.byteLength(JSON.stringify(state)));
  }
  console.log(
    `\nstate item, 3 servers with every forecast series full (first ${corpus.length} rounds of the corpus' noisy week): largest ${largest} B stored (${largestJson} B of JSON) ` +
      `(${largest <= 4096 ? 'within' : 'OVER'} the 4 KB budget: ${Math.ceil(largest / 4096)} strongly consistent read unit${largest > 4096 ? 's' : ''}, ${Math.ceil(largest / 1024)} write unit${largest > 1024 ? 's' : ''})`,
  );
}

const storeRounds = Number(values['store-rounds']);
const store = await openEmbeddedStore(null);
try {
  console.log(`\nDynamoDB request units (dynalite, ReturnConsumedCapacity; computed = from item sizes by DynamoDB's rules), ${storeRounds} rounds each`);
  for (const [label, base] of [
    ['3 servers', trio],
    ['5 servers', trio.map(widenedToFive)],
  ] as const) {
    const rounds = roundStream(base, storeRounds, 60_000).map((r) => ({ ...r, ensembleName: `bench-${label[0]}` }));
    const cost = await measureStoreCost(store.table, rounds, settings);
    const f = (x: number) => x.toFixed(3);
    console.log(
      `${label}: round item ${cost.roundItemBytes} B, state item ${cost.stateItemBytes} B, ${cost.messages} messages | ` +
        `per round write ${f(cost.reported.writeUnitsPerRound)} WRU (computed ${f(cost.computed.writeUnitsPerRound)}) | ` +
        `per evaluation read ${f(cost.reported.readUnitsPerEvaluation)} RRU (computed ${f(cost.computed.readUnitsPerEvaluation)}), ` +
        `write ${f(cost.reported.writeUnitsPerEvaluation)} WRU (computed ${f(cost.computed.writeUnitsPerEvaluation)}) | ` +
        `evaluation against dynalite median ${cost.evaluationMs.toFixed(2)} ms`,
    );
    const { quiet, withMessages } = cost;
    console.log(
      `  without messages (${quiet.evaluations} of ${cost.rounds} evaluations): read ${f(quiet.readUnitsPerEvaluation)} RRU, write ${f(quiet.writeUnitsPerEvaluation)} WRU | ` +
        `with messages (${withMessages.evaluations}, ${withMessages.messages} messages): write ${f(withMessages.writeUnitsPerEvaluation)} WRU, ` +
        `${f((withMessages.writeUnitsPerEvaluation - quiet.writeUnitsPerEvaluation) / (withMessages.messages / Math.max(1, withMessages.evaluations)))} WRU more per message (outbox write and clear)`,
    );
  }
} finally {
  await store.close();
}
