/**
 * Records REAL probe rounds of a local 3-server ensemble while a fault script plays, as
 * JSON Lines (the export format), plus a timeline of the faults next to it. The output is
 * the backtest fixture `test/fixtures/rounds/fault-script.jsonl`:
 *   npx tsx scripts/record-rounds.ts [--out FILE] [--interval-ms 500]
 * Faults, in order: pause a follower (SIGSTOP) and resume it; kill the leader (SIGKILL)
 * and restart it; stop two servers (quorum lost) and restart them. Every process it starts
 * is removed, also on error and Ctrl-C.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compactRound } from '../functions/core/probe/compact-round.ts';
import { formatRoundLine, type RoundLine } from '../functions/core/probe/round-lines.ts';
import { roundIdOf } from '../functions/core/probe/round-slots.ts';
import { parseServerAddress } from '../functions/contract/server-address.ts';
import { probeEnsemble } from '../functions/adapters/zookeeper/probe-ensemble.ts';
import { LocalEnsemble } from './local-ensemble.ts';

export const FIXTURE_ENSEMBLE = 'fault-script';

/** One fault as played: which servers, when it started and when it was undone. */
export interface FaultMark {
  fault: 'pause-follower' | 'kill-leader' | 'lose-quorum';
  servers: string[];
  at: string;
  restoredAt: string;
}

export interface Recording {
  lines: RoundLine[];
  faults: FaultMark[];
}

export async function recordFaultScript(intervalMs: number, say: (line: string) => void, signal?: AbortSignal): Promise<Recording> {
  const sleep = (ms: number) => pause(ms, signal);
  const ensemble = await LocalEnsemble.start({ size: 3, tickTime: 200 });
  const lines: RoundLine[] = [];
  const faults: FaultMark[] = [];
  let probing = true;
  const servers = ensemble.servers.map((s) => ({ ...parseServerAddress(s.address), adminPort: s.adminPort }));
  const loop = (async () => {
    while (probing) {
      const scheduledAt = new Date();
      const round = await probeEnsemble(servers, {
        ensembleName: FIXTURE_ENSEMBLE,
        timeoutMs: Math.min(400, intervalMs),
        roundId: roundIdOf(FIXTURE_ENSEMBLE, scheduledAt),
        canary: {},
      });
      lines.push({ scheduledAt: scheduledAt.toISOString(), round: compactRound(round) });
      if (lines.length % 20 === 0) say(`  ${lines.length} rounds recorded`);
      await pause(Math.max(0, intervalMs - (Date.now() - scheduledAt.getTime())));
    }
  })();
  const play = async (fault: FaultMark['fault'], ids: number[], inflict: () => Promise<void>, restore: () => Promise<void>, holdMs: number) => {
    const at = new Date().toISOString();
    say(`fault ${fault}: servers ${ids.join(', ')}`);
    await inflict();
    await sleep(holdMs);
    const restoredAt = new Date().toISOString();
    await restore();
    await ensemble.waitServing();
    faults.push({ fault, servers: ids.map((id) => ensemble.server(id).address), at, restoredAt });
    await sleep(6 * intervalMs);
  };
  try {
    await sleep(16 * intervalMs);
    const follower = (await ensemble.followers())[0] as number;
    await play('pause-follower', [follower], async () => ensemble.pause(follower), async () => ensemble.resume(follower), 10 * intervalMs);
    const leader = (await ensemble.leader()) as number;
    await play('kill-leader', [leader], () => ensemble.kill(leader), async () => ensemble.restart(leader), 8 * intervalMs);
    const two = ensemble.servers.map((s) => s.id).filter((id) => id !== leader).slice(0, 2);
    await play(
      'lose-quorum',
      two,
      async () => {
        await Promise.all(two.map((id) => ensemble.stop(id)));
      },
      async () => two.forEach((id) => ensemble.restart(id)),
      10 * intervalMs,
    );
    return { lines, faults };
  } finally {
    probing = false;
    await loop.catch(() => undefined);
    await ensemble.close();
  }
}

/** Rejects when the signal aborts, so the script unwinds through its cleanup. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('interrupted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    function stop() {
      clearTimeout(timer);
      reject(new Error('interrupted'));
    }
    signal?.addEventListener('abort', stop, { once: true });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'test/fixtures/rounds/fault-script.jsonl' },
      'interval-ms': { type: 'string', default: '500' },
    },
  });
  const intervalMs = Number(values['interval-ms']);
  if (!Number.isInteger(intervalMs) || intervalMs < 100) throw new Error(`--interval-ms must be a whole number ≥ 100, got "${values['interval-ms']}"`);
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  const recording = await recordFaultScript(intervalMs, (line) => console.error(line), interrupt.signal);
  writeFileSync(values.out, recording.lines.map((l) => `${formatRoundLine(l)}\n`).join(''));
  writeFileSync(values.out.replace(/\.jsonl$/, '.faults.json'), `${JSON.stringify(recording.faults, null, 2)}\n`);
  console.error(`wrote ${recording.lines.length} rounds to ${values.out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await main();
}
