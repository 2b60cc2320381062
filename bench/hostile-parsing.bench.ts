/**
 * The issue 17 reproduction: the parsers on a long run of digits ending in a letter, at
 * 10, 20 and 40 KB. Before the fix `toNumber` took 0.3 s, 0.9 s and 1.9 s (quadratic);
 * every line here must now print well under a millisecond.
 * Run: `npx tsx bench/hostile-parsing.bench.ts`
 */
import { metricNumber } from '../functions/core/probe/classify-server.ts';
import { parseCons, parseMntr, parseSrvr, parseWchs, toNumber } from '../functions/core/probe/four-letter-words.ts';

const time = (label: string, work: () => unknown) => {
  const t0 = performance.now();
  work();
  console.log(`${label.padEnd(28)} ${(performance.now() - t0).toFixed(2)} ms`);
};

for (const kb of [10, 20, 40]) {
  const digits = `${'1'.repeat(kb * 1024)}x`;
  time(`toNumber ${kb} KB`, () => toNumber(digits));
  time(`parseSrvr Received ${kb} KB`, () => parseSrvr(`Mode: leader\nReceived: ${digits}\n`));
  time(`parseMntr ${kb} KB`, () => parseMntr(`zk_x\t${digits}\n`));
  time(`metricNumber ${kb} KB`, () => metricNumber({ k: digits }, 'k'));
  time(`parseWchs ${kb} KB`, () => parseWchs(`${digits.slice(0, -1)} connections watchingx`));
  time(`parseCons ${kb} KB`, () => parseCons(`/${digits}[1](${digits})x`));
}
