/**
 * `zk-lookout check` as Nagios runs it, a whole process per check: wall time and peak RSS
 * of the built command (bin/zk-lookout.mjs, esbuild ahead of time) next to the same check
 * transpiled by tsx at start (what bin/ ran before), on a healthy 3-server ensemble started
 * here. Runs alternate (built, tsx, built, …) so machine drift hits both; medians of each.
 * Peak RSS and wall come from GNU time (Debian's `time` package).
 *   npm run bench:cli-start [-- --runs 10]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LocalEnsemble } from '../scripts/local-ensemble.ts';
import { median } from './stats.ts';

const TIME = '/usr/bin/time';
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
if (!existsSync(TIME)) throw new Error(`${TIME} is missing: sudo apt-get install -y time`);
execFileSync(process.execPath, ['scripts/build-cli.mjs']);

const ensemble = await LocalEnsemble.start({ size: 3 });
try {
  const servers = ensemble.connectString;
  const variants = {
    built: [process.execPath, 'bin/zk-lookout.mjs', 'check', '--servers', servers],
    tsx: [process.execPath, '--import', 'tsx', 'cli/main.ts', 'check', '--servers', servers],
  };
  const samples: Record<string, { wallMs: number[]; rssMiB: number[] }> = { built: { wallMs: [], rssMiB: [] }, tsx: { wallMs: [], rssMiB: [] } };
  const once = (argv: string[]) => {
    const result = spawnSync(TIME, ['-f', '%e %M', ...argv], { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`check was not OK (exit ${result.status}): ${result.stdout}${result.stderr}`);
    const [wall, kb] = (result.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    return { wallMs: (wall as number) * 1000, rssMiB: (kb as number) / 1024 };
  };
  for (const argv of Object.values(variants)) once(argv); // warm the page cache
  for (let i = 0; i < runs; i++) {
    for (const [name, argv] of Object.entries(variants)) {
      const s = once(argv);
      samples[name]?.wallMs.push(s.wallMs);
      samples[name]?.rssMiB.push(s.rssMiB);
    }
  }
  console.log(`zk-lookout check on a healthy 3-server ensemble, ${runs} runs each, alternated; ${process.version}`);
  for (const [name, s] of Object.entries(samples)) {
    console.log(`${name.padEnd(5)} wall median ${median(s.wallMs).toFixed(0).padStart(5)} ms (min ${Math.min(...s.wallMs).toFixed(0)}, max ${Math.max(...s.wallMs).toFixed(0)}) | peak RSS median ${median(s.rssMiB).toFixed(1)} MiB`);
  }
  const ratio = median((samples.built?.wallMs ?? []).map((w, i) => w / (samples.tsx?.wallMs[i] ?? NaN)));
  console.log(`built/tsx wall, pair by pair: median ${ratio.toFixed(2)}`);
} finally {
  await ensemble.close();
}
