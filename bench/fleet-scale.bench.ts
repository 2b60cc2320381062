/**
 * Fleet scale: a simulated fleet (bench/support/simulated-fleet.ts: real recorded replies,
 * ensembles of 3 and 5, some servers slow, some silent) probed and evaluated with bounded
 * concurrency, at several fleet sizes. Each size runs in a fresh Node process so its
 * memory is its own; the first size is the baseline the others are compared with.
 * Reported per size: wall time of a round of the whole fleet (probe + evaluateRound with
 * state carried), and memory (RSS and heap) above the idle simulated fleet, per 1,000
 * servers. The file-descriptor limit must cover listeners + 2 × concurrent connections.
 *   npm run bench:fleet [-- --sizes 500,1000,2000 --concurrency 25 --rounds 3]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateRound } from '../functions/core/evaluate/evaluate-round.ts';
import type { EnsembleState } from '../functions/contract/ensemble-state.ts';
import { settingsFor } from '../functions/core/evaluate/settings-snapshot.ts';
import { roundIdOf } from '../functions/core/probe/round-slots.ts';
import { probeEnsemble } from '../functions/adapters/zookeeper/probe-ensemble.ts';
import { median } from './stats.ts';
import { startFleet, type SimulatedEnsemble } from './support/simulated-fleet.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '500,1000,2000' },
    concurrency: { type: 'string', default: '25' },
    rounds: { type: 'string', default: '3' },
    'timeout-ms': { type: 'string', default: '1000' },
    child: { type: 'string' },
  },
});
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const timeoutMs = Number(values['timeout-ms']);

interface SizeResult {
  servers: number;
  ensembles: number;
  roundMs: number[];
  idle: { rssMb: number; heapMb: number };
  peak: { rssMb: number; heapMb: number };
  /** Heap still used after the rounds and a full GC: the evaluator states kept per ensemble. */
  retainedHeapMb: number;
  modes: Record<string, number>;
  /** Servers of the last round not classified as they behave (healthy/slow → serving, silent → timeout). */
  misclassified: number;
  fdLimit: string;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function measure(servers: number): Promise<SizeResult> {
  const fleet = await startFleet({ servers });
  try {
    const settings = settingsFor({ thresholds: {}, silences: [], configProblems: [] }, 'fleet');
    const states = new Map<string, EnsembleState>();
    gc();
    const idle = process.memoryUsage();
    let peak = { rss: idle.rss, heapUsed: idle.heapUsed };
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = { rss: Math.max(peak.rss, m.rss), heapUsed: Math.max(peak.heapUsed, m.heapUsed) };
    }, 50);
    const roundMs: number[] = [];
    const modes: Record<string, number> = {};
    let misclassified = 0;
    try {
      for (let r = 0; r < rounds; r++) {
        const scheduledAt = new Date(Date.parse('2026-03-01T00:00:00Z') + r * 60_000);
        const t0 = performance.now();
        await pool(fleet.ensembles, concurrency, async (e: SimulatedEnsemble) => {
          const round = await probeEnsemble(e.servers, { ensembleName: e.name, timeoutMs, roundId: roundIdOf(e.name, scheduledAt) });
          const out = evaluateRound(states.get(e.name), { ...round, startedAt: scheduledAt.toISOString() }, settings, scheduledAt);
          states.set(e.name, out.state);
          if (r !== rounds - 1) return;
          round.servers.forEach((s, i) => {
            modes[s.mode] = (modes[s.mode] ?? 0) + 1;
            const expected = e.behaviours[i] === 'silent' ? s.mode === 'timeout' : s.mode === 'leader' || s.mode === 'follower';
            if (!expected) misclassified++;
          });
        });
        roundMs.push(performance.now() - t0);
      }
    } finally {
      clearInterval(sampler);
    }
    gc();
    const retainedHeapMb = mb(process.memoryUsage().heapUsed - idle.heapUsed);
    return {
      servers: fleet.serverCount,
      ensembles: fleet.ensembles.length,
      roundMs,
      idle: { rssMb: mb(idle.rss), heapMb: mb(idle.heapUsed) },
      peak: { rssMb: mb(peak.rss), heapMb: mb(peak.heapUsed) },
      retainedHeapMb,
      modes,
      misclassified,
      fdLimit: execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim(),
    };
  } finally {
    await fleet.close();
  }
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

if (values.child !== undefined) {
  process.stdout.write(JSON.stringify(await measure(Number(values.child))));
} else {
  const sizes = values.sizes.split(',').map(Number);
  console.log(`fleet scale: sizes ${sizes.join(', ')}, ${rounds} rounds each (median shown), ${concurrency} ensembles probed at once, per-server deadline ${timeoutMs} ms, node ${process.version}`);
  console.log('servers ensembles  round median  per 1k servers  | idle fleet RSS | peak RSS  peak heap | RSS above idle per 1k | peak heap above idle per 1k | retained heap per 1k | vs first size (time/1k) | misclassified | modes of last round');
  let first: number | undefined;
  for (const size of sizes) {
    const args = ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(size), '--concurrency', String(concurrency), '--rounds', String(rounds), '--timeout-ms', String(timeoutMs)];
    const result = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } })) as SizeResult;
    const perK = median(result.roundMs) / (result.servers / 1000);
    first ??= perK;
    const k = result.servers / 1000;
    console.log(
      `${String(result.servers).padStart(7)} ${String(result.ensembles).padStart(9)} ${`${median(result.roundMs).toFixed(0)} ms`.padStart(13)} ${`${perK.toFixed(0)} ms`.padStart(15)}  | ${`${result.idle.rssMb} MB`.padStart(14)} | ${`${result.peak.rssMb} MB`.padStart(8)} ${`${result.peak.heapMb} MB`.padStart(10)} | ` +
        `${`${((result.peak.rssMb - result.idle.rssMb) / k).toFixed(1)} MB`.padStart(21)} | ${`${((result.peak.heapMb - result.idle.heapMb) / k).toFixed(1)} MB`.padStart(27)} | ${`${(result.retainedHeapMb / k).toFixed(1)} MB`.padStart(20)} | ${`${(perK / first).toFixed(2)}×`.padStart(23)} | ${String(result.misclassified).padStart(13)} | ` +
        Object.entries(result.modes).map(([m, n]) => `${m} ${n}`).join(', '),
    );
    if (size === sizes[sizes.length - 1]) console.log(`file-descriptor limit (ulimit -n) in the benchmark process: ${result.fdLimit}`);
  }
}
