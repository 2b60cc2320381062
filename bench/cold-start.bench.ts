/**
 * Handler cold start: each Lambda handler bundled the way the stack bundles it
 * (bench/support/handler-bundles.ts), its size, and its module initialisation time: a
 * fresh `node` process requiring the bundle (median of repeated processes). Baseline, in
 * the same run: an empty handler bundled the same way.
 *   npm run bench:cold-start [-- --runs 15]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median, quantile } from './stats.ts';
import { BUNDLE_TARGET, bundleHandlers, initTimeMs } from './support/handler-bundles.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);
const out = mkdtempSync(join(tmpdir(), 'zk-lookout-cold-'));
try {
  console.log(`cold start: esbuild cjs, target ${BUNDLE_TARGET}, not minified, source maps in separate files (as the stack); init measured on ${process.version}, ${runs} fresh processes each`);
  let baseline: number[] | undefined;
  for (const bundle of await bundleHandlers(out)) {
    initTimeMs(bundle.file);
    const times = Array.from({ length: runs }, () => initTimeMs(bundle.file));
    baseline ??= times;
    const extra = bundle.name === 'empty' ? ' (baseline)' : ` | this − baseline ${(median(times) - median(baseline)).toFixed(1)} ms`;
    console.log(
      `${bundle.name.padEnd(11)} bundle ${(bundle.bytes / 1024).toFixed(0).padStart(6)} KiB | init median ${median(times).toFixed(1).padStart(7)} ms | p90 ${quantile(times, 0.9).toFixed(1).padStart(7)} ms | n=${runs}${extra}`,
    );
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
