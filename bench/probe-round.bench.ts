/**
 * Probe round latency on a loopback ensemble (3 and 5 servers): zk-lookout's concurrent
 * round, without and with the canary, against a baseline measured in the same run that
 * asks each server in turn, one connection per word.
 *   npm run bench:probe [-- --runs 30]
 */
import { parseArgs } from 'node:util';
import { formatAddress, type ServerAddress } from '../functions/contract/server-address.ts';
import { askWord } from '../functions/adapters/zookeeper/four-letter-client.ts';
import { DEFAULT_WORDS, probeEnsemble } from '../functions/adapters/zookeeper/probe-ensemble.ts';
import { LocalEnsemble } from '../scripts/local-ensemble.ts';
import { row, sample } from './stats.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '25' }, sizes: { type: 'string', default: '3,5' } } });
const runs = Number(values.runs);

async function sequentialBaseline(servers: readonly ServerAddress[], timeoutMs = 3000, expectOk = true): Promise<void> {
  for (const server of servers) {
    for (const word of DEFAULT_WORDS) {
      const reply = await askWord({ host: server.host, port: server.port, word, timeoutMs });
      if (expectOk && !reply.ok) throw new Error(`baseline: ${formatAddress(server)} ${word}: ${reply.error.message}`);
    }
  }
}

console.log(`probe round benchmark: ${runs} runs each, words ${DEFAULT_WORDS.join(',')}, node ${process.version}`);
for (const size of values.sizes.split(',').map(Number)) {
  const ensemble = await LocalEnsemble.start({ size });
  try {
    const servers = ensemble.servers.map((s) => ({ host: '127.0.0.1', port: s.clientPort }));
    // Warm both paths (JIT on both sides, the canary's parent znodes).
    for (let i = 0; i < 5; i++) {
      await sequentialBaseline(servers);
      await probeEnsemble(servers, { canary: {} });
    }
    const baseline = await sample(runs, () => sequentialBaseline(servers));
    const concurrent = await sample(runs, () => probeEnsemble(servers));
    const withCanary = await sample(runs, async () => {
      const round = await probeEnsemble(servers, { canary: {} });
      if (!round.canary?.ok) throw new Error(`canary failed: ${round.canary?.error?.message}`);
    });
    console.log(`\n${size}-server loopback ensemble`);
    console.log(row('baseline: sequential, one connection per word', baseline));
    console.log(row('zk-lookout round (concurrent), no canary', concurrent, baseline));
    console.log(row('zk-lookout round (concurrent), with canary', withCanary, baseline));

    // A paused (SIGSTOPped) follower: only deadlines end the exchanges with it.
    const [follower] = await ensemble.followers();
    if (follower === undefined) throw new Error('no follower to pause');
    const pausedRuns = Math.max(3, Math.round(runs / 5));
    ensemble.pause(follower);
    try {
      const slow = await sample(pausedRuns, () => sequentialBaseline(servers, 500, false));
      const fast = await sample(pausedRuns, () => probeEnsemble(servers, { timeoutMs: 500 }));
      console.log(row('paused follower, 500 ms deadline: baseline', slow));
      console.log(row('paused follower, 500 ms deadline: zk-lookout', fast, slow));
    } finally {
      ensemble.resume(follower);
    }
  } finally {
    await ensemble.close();
  }
}
