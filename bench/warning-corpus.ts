/**
 * Writes the early-warning scenario corpus (test/fixtures/scenarios/<name>.jsonl.gz) from
 * the recorded 3.8.0 replies: `npm run corpus:warning [-- name …]`. The test
 * warning-corpus.test.ts checks that the stored files are what this writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CORPUS_DIR, corpusFile, encodeCorpus, generateScenario, loadReplies, SCENARIOS } from './warning-scenarios.ts';

const wanted = process.argv.slice(2).filter((a) => a !== '--');
mkdirSync(fileURLToPath(CORPUS_DIR), { recursive: true });
const replies = loadReplies();
for (const scenario of SCENARIOS) {
  if (wanted.length > 0 && !wanted.includes(scenario.name)) continue;
  const started = performance.now();
  const rounds = generateScenario(scenario, replies);
  const bytes = encodeCorpus(rounds);
  writeFileSync(corpusFile(scenario.name), bytes);
  console.log(`${scenario.name}: ${rounds.length} rounds, ${(bytes.length / 1024).toFixed(0)} KiB, ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
