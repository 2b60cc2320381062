/**
 * The early-warning benchmark: every scenario of the corpus (test/fixtures/scenarios,
 * made from real 3.8.0 replies by bench/warning-scenarios.ts) replayed through the real
 * evaluator with the default thresholds. Per scenario: the first right warning's lead
 * time before the limit, the hours left it said against the truth, and the count of
 * warnings that should not have fired. Also the calm-ensemble warning probability (the
 * noisy-OR summary figure over the noisy healthy week) that docs/THRESHOLDS.md quotes.
 *   npm run bench:warning
 */
import { replayScenario } from './warning-replay.ts';
import { readCorpus, SCENARIOS } from './warning-scenarios.ts';
import { evaluateRound } from '../functions/core/evaluate/evaluate-round.ts';
import type { EnsembleState } from '../functions/contract/ensemble-state.ts';
import { settingsFor } from '../functions/core/evaluate/settings-snapshot.ts';

const f = (x: number | undefined, digits = 1) => (x === undefined ? '—' : x.toFixed(digits));
console.log(`early-warning corpus, default thresholds, node ${process.version}\n`);
console.log('| scenario | rounds | first right warning | notified at round | lead before limit | hours left said / true | warnings that should not have fired | alarms | max state item |');
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: |');
let replayMs = 0;
let replayed = 0;
const notes: string[] = [];
for (const scenario of SCENARIOS) {
  const rounds = readCorpus(scenario.name);
  const started = performance.now();
  const score = replayScenario(scenario, rounds);
  replayMs += performance.now() - started;
  replayed += rounds.length;
  const first = score.first;
  const lead = first?.leadMinutes === undefined ? '—' : first.leadMinutes >= 120 ? `${f(first.leadMinutes / 60)} h` : `${f(first.leadMinutes, 0)} min`;
  const hours = first?.saidHours === undefined ? '—' : `${f(first.saidHours, 2)} / ${f(first.trueHours, 2)}`;
  const alarms = [...new Set(score.alarms.map((a) => a.alertKey))].join(', ') || '—';
  const falseOnes = score.falseWarnings.length === 0 ? '0' : `${score.falseWarnings.length} (${[...new Set(score.falseWarnings.map((w) => w.alertKey))].join(', ')})`;
  // Every right cause after the first: how many of its own rounds it took to be notified.
  for (const [key, raised] of Object.entries(score.raisedAt)) {
    const notified = score.notifiedAt[key];
    if (notified === undefined || key === first?.alertKey || !scenario.truth.expected.includes(key.replace(/^early-warning:/, ''))) continue;
    notes.push(`${scenario.name}: ${key} reached warnAt at round ${raised}, notified at round ${notified}: ${notified - raised + 1} of its own rounds`);
  }
  console.log(`| ${scenario.name} | ${rounds.length} | ${first?.alertKey ?? '—'} | ${first?.round ?? '—'} | ${lead} | ${hours} | ${falseOnes} | ${alarms} | ${score.maxStateBytes} B |`);
}
console.log(`\n${notes.join('\n')}`);
console.log(`\nreplayed ${replayed} rounds in ${(replayMs / 1000).toFixed(2)} s (${Math.round(replayed / (replayMs / 1000))} rounds/s, evaluateRound with state carried)`);

// The calm-ensemble figure: the noisy-OR warning probability over the noisy healthy week.
const calm = readCorpus('noisy-week');
const settings = settingsFor({ thresholds: {}, silences: [], configProblems: [] }, 'noisy-week');
let state: EnsembleState | undefined;
const probabilities: number[] = [];
for (const round of calm) {
  const out = evaluateRound(state, round, settings, new Date(round.startedAt));
  state = out.state;
  if (out.assessment) probabilities.push(out.assessment.probability);
}
probabilities.sort((a, b) => a - b);
const q = (p: number) => probabilities[Math.min(probabilities.length - 1, Math.floor(p * probabilities.length))] ?? 0;
console.log(`calm-ensemble warning probability (noisy-OR over all signals, noisy week): median ${q(0.5).toPrecision(2)}, p99 ${q(0.99).toPrecision(2)}, max ${q(1).toPrecision(2)}`);
