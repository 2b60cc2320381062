/**
 * Run by test/integration/checker-fault-emfile.test.ts under a small `ulimit -n`: loads
 * the probe, then takes every free file descriptor of this process (as 400 held `/metrics`
 * connections would), probes the servers given in argv and prints the round as JSON.
 */
import { openSync } from 'node:fs';
import { parseServerAddress } from '../../functions/contract/server-address.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';

const servers = (process.argv[2] ?? '').split(',').map((s) => parseServerAddress(s));
const held: number[] = [];
try {
  for (;;) held.push(openSync('/dev/null', 'r'));
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== 'EMFILE') throw err;
}
const round = await probeEnsemble(servers, { ensembleName: 'emfile', timeoutMs: 2000 });
process.stdout.write(`${JSON.stringify({ held: held.length, round })}\n`);
process.exit(0);
