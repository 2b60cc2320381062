/**
 * A digest of everything `evaluateRound` gives back (state, evaluation, assessment, as
 * JSON) over the evaluator benchmark's streams (3 and 5 servers, 3,000 rounds each) and
 * the nine scenario corpora: one line per stream. Speed work on the evaluator must leave
 * every line as it was; run it before and after and compare.
 *   npm run bench:evaluator-digest
 * It reads only what evaluateRound has read since issue 13, so the same file run on an
 * older checkout gives that checkout's digests.
 */
import { createHash } from 'node:crypto';
import { evaluateRound } from '../functions/core/evaluate/evaluate-round.ts';
import type { EnsembleState } from '../functions/contract/ensemble-state.ts';
import type { ProbeRound } from '../functions/contract/probe-round.ts';
import { settingsFor } from '../functions/core/evaluate/settings-snapshot.ts';
import { recordedTrio, roundStream, widenedToFive } from './support/round-sequences.ts';
import { readCorpus, SCENARIOS } from './warning-scenarios.ts';

function digest(label: string, rounds: readonly ProbeRound[]): string {
  const settings = settingsFor({ thresholds: {}, silences: [], configProblems: [] }, label);
  const hash = createHash('sha256');
  let state: EnsembleState | undefined;
  for (const round of rounds) {
    const out = evaluateRound(state, round, settings, new Date(round.startedAt));
    state = out.state;
    hash.update(JSON.stringify(out));
  }
  return `${label.padEnd(20)} ${rounds.length.toString().padStart(6)} rounds  ${hash.digest('hex').slice(0, 16)}`;
}

console.log(digest('bench 3 servers', roundStream(recordedTrio(), 3000, 60_000)));
console.log(digest('bench 5 servers', roundStream(recordedTrio().map(widenedToFive), 3000, 60_000)));
for (const name of SCENARIOS.map((s) => s.name).sort()) console.log(digest(name, readCorpus(name)));
