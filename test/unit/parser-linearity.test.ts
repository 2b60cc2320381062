/**
 * Every parser that reads server text runs in time linear in its input (issue 17: a
 * `\d+\.?\d*` made one `srvr` line of 80 KB cost 28 s). Each parser gets adversarial
 * inputs at two sizes (4 KB and 40 KB, where the old
 * `toNumber` took 50 ms and 1.9 s), 10× apart, and the larger must cost less than 30× the smaller:
 * linear code costs ~10×, quadratic ~100×. The times are minima over several runs (up to ten for the large input; noise
 * only ever adds time), and a floor of 0.2 ms under the small run keeps timer resolution
 * from deciding. eslint-plugin-regexp checks the same property statically (eslint.config.js);
 * this test proves it on the code as it runs, including hand-written scans.
 */
import { describe, expect, it } from 'vitest';
import { classifyServer, metricNumber, type ServerObservation } from '../../functions/core/probe/classify-server.ts';
import { parseWord, toNumber } from '../../functions/core/probe/four-letter-words.ts';
import { FourLetterWords } from '../../functions/contract/probe-round.ts';

const SMALL = 4 * 1024;
const LARGE = SMALL * 10;
const RATIO = 30;

/** Adversarial texts of about `size` characters: each is a known worst case for some pattern shape. */
const attacks: Record<string, (size: number) => string> = {
  'digits then a letter': (n) => `${'1'.repeat(n)}x`,
  'digits, a dot, digits, a letter': (n) => `${'1'.repeat(n / 2)}.${'1'.repeat(n / 2)}x`,
  'blanks then a letter': (n) => `a${' '.repeat(n)}x`,
  'many lines of digits': (n) => `${'1'.repeat(30)}x\n`.repeat(n / 32),
  'srvr, every numeric field a digit run': (n) =>
    ['Received', 'Sent', 'Connections', 'Outstanding', 'Node count', 'Latency min/avg/max', 'Zxid']
      .map((key) => `${key}: ${'9'.repeat(n / 8)}x`)
      .join('\n') + '\nMode: leader\n',
  'mntr, many short lines': (n) => 'zk_k\t1\n'.repeat(n / 7),
  'mntr, tab runs': (n) => `zk_key${'\t'.repeat(n)}1x`,
  'cons, bracket runs': (n) => `/${'[1'.repeat(n / 2)}x)`,
  'cons, open parens': (n) => `/1.2.3.4:5[1](${'[1]('.repeat(n / 4)}x`,
  'cons, fields of digits': (n) => `/1.2.3.4:5[1](${`queued=${'1'.repeat(40)}x,`.repeat(n / 50)})`,
  'wchs, counts of digits': (n) => `${'1'.repeat(n)} connections watching ${'1'.repeat(n)} pathsx\nTotal watches:${'1'.repeat(n)}x`,
  'refusal look-alikes': (n) => 'not currently serving requestx '.repeat(n / 31),
  'key=value with long keys': (n) => `${'k'.repeat(n)}=${'1'.repeat(n)}x\n`,
};

/** The fastest of up to `runs` runs; stops early once a run is under `enough` (more runs could only be faster). */
function cost(work: () => unknown, runs: number, enough = 0): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs && best >= enough; i++) {
    const t0 = performance.now();
    work();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function expectLinear(name: string, run: (input: string) => unknown, make: (n: number) => string): void {
  const small = make(SMALL);
  const large = make(LARGE);
  run(small); // warm the JIT on this shape first
  const a = Math.max(cost(() => run(small), 5), 0.2);
  const b = cost(() => run(large), 10, a * RATIO);
  expect(b, `${name}: ${b.toFixed(2)} ms at ${large.length} chars vs ${a.toFixed(2)} ms at ${small.length}`).toBeLessThan(a * RATIO);
}

const observation = (text: string, json: Record<string, unknown>): ServerObservation => ({
  address: 'hostile:2181',
  words: Object.fromEntries(FourLetterWords.map((w) => [w, { ok: true, text, ms: 1 }])),
  admin: { monitor: { ok: true, status: 200, text: JSON.stringify(json), json, ms: 1 } },
  durationMs: 1,
});

describe('parsers of server text are linear in their input', () => {
  for (const [attack, make] of Object.entries(attacks)) {
    describe(attack, () => {
      it.each(FourLetterWords)('%s', (word) => expectLinear(`${word} / ${attack}`, (text) => parseWord(word, text), make));
      it('toNumber', () => expectLinear(`toNumber / ${attack}`, toNumber, make));
      it('metricNumber (evaluator and /metrics)', () => expectLinear(`metricNumber / ${attack}`, (text) => metricNumber({ k: text }, 'k'), make));
      it('classifyServer with the text in every word and in every AdminServer field', () =>
        expectLinear(
          `classifyServer / ${attack}`,
          (text) => classifyServer(observation(text, { server_state: text, znode_count: text, avg_latency: text, error: null })),
          make,
        ));
    });
  }
});
