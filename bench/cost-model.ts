/**
 * Cost per ensemble-month at a 1-minute cadence, from figures measured in this run:
 *   - probe duration: probe rounds (words + canary) of a local 3-server ensemble plus the
 *     round write, as the probe handler does them;
 *   - request units and evaluation duration: recorded rounds written and evaluated
 *     through the outbox path against dynalite (bench/support/store-cost.ts);
 *   - init durations: the bundled probe and evaluator required by a fresh process
 *     (bench/support/handler-bundles.ts), billed once per assumed cold start;
 * with each function's memory from the stack (256 MB, infra/constructs/lookout-function.ts)
 * and us-east-1 prices (FIELD-NOTES.md; CloudWatch prices from AWS's public price list).
 * Next to it: CloudWatch Synthetics, one canary at the same cadence.
 *   npm run bench:cost [-- --probe-rounds 15 --messages-per-month 30 --cold-starts-per-hour 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openEmbeddedStore } from '../cli/local/embedded-store.ts';
import { settingsFor } from '../functions/core/evaluate/settings-snapshot.ts';
import { compactRound } from '../functions/core/probe/compact-round.ts';
import { roundIdOf } from '../functions/core/probe/round-slots.ts';
import { MetricNames } from '../infra/handler-environment.ts';
import { probeEnsemble } from '../functions/probe/probe-ensemble.ts';
import { LocalEnsemble } from '../scripts/local-ensemble.ts';
import { median, sample } from './stats.ts';
import { bundleHandlers, initTimeMs } from './support/handler-bundles.ts';
import { recordedTrio, roundStream } from './support/round-sequences.ts';
import { measureStoreCost } from './support/store-cost.ts';

const { values } = parseArgs({
  options: {
    'probe-rounds': { type: 'string', default: '15' },
    'store-rounds': { type: 'string', default: '201' },
    'messages-per-month': { type: 'string', default: '30' },
    'cold-starts-per-hour': { type: 'string', default: '1' },
    'log-bytes-per-invocation': { type: 'string', default: '1500' },
  },
});

/** The stack's default memory for every function (LookoutFunctionProps.memorySize). */
const MEMORY_GB = 256 / 1024;
const ROUNDS_PER_MONTH = 60 * 730; // 1-minute cadence, 730 hours a month
const RETENTION_DAYS = 14;
const PRICE = {
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondX86: 0.0000166667,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  dynamoStorageGbMonth: 0.25,
  dynamoPitrGbMonth: 0.2,
  snsPublish: 0.5 / 1e6,
  snsEmail: 2 / 1e5,
  scheduler: 1 / 1e6,
  // AWS public price list, us-east-1 (not in FIELD-NOTES): custom metric, log ingestion.
  cloudWatchMetricMonth: 0.3,
  cloudWatchLogsGb: 0.5,
  syntheticsRun: 0.0012,
};

const probeRounds = Number(values['probe-rounds']);
const coldStartsPerMonth = Number(values['cold-starts-per-hour']) * 730;
const messagesPerMonth = Number(values['messages-per-month']);
const logBytes = Number(values['log-bytes-per-invocation']);

const store = await openEmbeddedStore(null);
const bundleDir = mkdtempSync(join(tmpdir(), 'zk-lookout-cost-'));
try {
  // 1. Probe: a round with canary and its write, as the probe handler does it.
  const ensemble = await LocalEnsemble.start({ size: 3 });
  let probeMs: number;
  try {
    const servers = ensemble.servers.map((s) => ({ host: '127.0.0.1', port: s.clientPort }));
    for (let i = 0; i < 3; i++) await probeEnsemble(servers, { canary: {} });
    let slot = Date.parse('2026-03-01T00:00:00Z');
    probeMs = median(
      await sample(probeRounds, async () => {
        const at = new Date((slot += 60_000));
        const round = await probeEnsemble(servers, { ensembleName: 'cost', canary: {}, roundId: roundIdOf('cost', at) });
        if (!round.canary?.ok) throw new Error(`canary failed: ${round.canary?.error?.message}`);
        await store.table.putRound(compactRound(round), at);
      }),
    );
  } finally {
    await ensemble.close();
  }

  // 2. Request units and evaluation time over recorded rounds (faults included).
  const settings = settingsFor({ thresholds: {}, silences: [], configProblems: [] }, 'cost');
  const cost = await measureStoreCost(store.table, roundStream(recordedTrio(), Number(values['store-rounds']), 60_000), settings);

  // 3. Init time of the bundles the stack deploys.
  const bundles = await bundleHandlers(bundleDir);
  const initOf = (name: string) => {
    const file = bundles.find((b) => b.name === name)?.file as string;
    return median(Array.from({ length: 7 }, () => initTimeMs(file)));
  };
  const probeInitMs = initOf('probe');
  const evaluatorInitMs = initOf('evaluator');

  const gbSeconds = (ms: number, count: number) => (Math.ceil(ms) / 1000) * MEMORY_GB * count;
  const lines: [string, number, string][] = [];
  const add = (item: string, dollars: number, basis: string) => lines.push([item, dollars, basis]);
  add('Scheduler invocations', ROUNDS_PER_MONTH * PRICE.scheduler, `${ROUNDS_PER_MONTH} × $1/M (the first 14M a month are free)`);
  add('probe Lambda requests', ROUNDS_PER_MONTH * PRICE.lambdaRequest, `${ROUNDS_PER_MONTH} × $0.20/M`);
  add('probe Lambda duration', gbSeconds(probeMs, ROUNDS_PER_MONTH) * PRICE.lambdaGbSecondX86, `${probeMs.toFixed(1)} ms measured × 0.25 GB`);
  add('probe Lambda init', gbSeconds(probeInitMs, coldStartsPerMonth) * PRICE.lambdaGbSecondX86, `${probeInitMs.toFixed(0)} ms × ${coldStartsPerMonth} cold starts`);
  add('DynamoDB round writes', ROUNDS_PER_MONTH * cost.reported.writeUnitsPerRound * PRICE.dynamoWriteUnit, `${cost.reported.writeUnitsPerRound.toFixed(2)} WRU/round measured`);
  add('evaluator Lambda requests', ROUNDS_PER_MONTH * PRICE.lambdaRequest, `one stream batch per round (worst case: no batching)`);
  add('evaluator Lambda duration', gbSeconds(cost.evaluationMs, ROUNDS_PER_MONTH) * PRICE.lambdaGbSecondX86, `${cost.evaluationMs.toFixed(1)} ms measured (against dynalite) × 0.25 GB`);
  add('evaluator Lambda init', gbSeconds(evaluatorInitMs, coldStartsPerMonth) * PRICE.lambdaGbSecondX86, `${evaluatorInitMs.toFixed(0)} ms × ${coldStartsPerMonth} cold starts`);
  add('DynamoDB state reads', ROUNDS_PER_MONTH * cost.reported.readUnitsPerEvaluation * PRICE.dynamoReadUnit, `${cost.reported.readUnitsPerEvaluation.toFixed(2)} RRU/evaluation measured`);
  add('DynamoDB state writes', ROUNDS_PER_MONTH * cost.reported.writeUnitsPerEvaluation * PRICE.dynamoWriteUnit, `${cost.reported.writeUnitsPerEvaluation.toFixed(2)} WRU/evaluation measured (outbox included)`);
  const storedGb = ((ROUNDS_PER_MONTH / 30.4) * RETENTION_DAYS * (cost.roundItemBytes + 100)) / 1024 ** 3;
  add('DynamoDB storage + PITR', storedGb * (PRICE.dynamoStorageGbMonth + PRICE.dynamoPitrGbMonth), `${(storedGb * 1024).toFixed(1)} MB of rounds kept ${RETENTION_DAYS} days`);
  add('SNS publish + email', messagesPerMonth * (PRICE.snsPublish + PRICE.snsEmail), `${messagesPerMonth} alert messages a month (assumed)`);
  add('CloudWatch Logs ingestion', (2 * ROUNDS_PER_MONTH * logBytes * PRICE.cloudWatchLogsGb) / 1024 ** 3, `${logBytes} B per invocation (assumed), 2 functions`);
  const metrics = Object.keys(MetricNames).length;
  add('CloudWatch custom metrics (EMF)', metrics * PRICE.cloudWatchMetricMonth, `${metrics} metrics per ensemble × $0.30`);

  const total = lines.reduce((sum, [, d]) => sum + d, 0);
  const withoutMetrics = total - metrics * PRICE.cloudWatchMetricMonth;
  const synthetics = ROUNDS_PER_MONTH * PRICE.syntheticsRun;
  console.log(`cost per ensemble-month, 1-minute cadence (${ROUNDS_PER_MONTH} rounds), 256 MB x86 functions, us-east-1 prices`);
  console.log(`measured: probe round + write ${probeMs.toFixed(1)} ms (median of ${probeRounds}), evaluation ${cost.evaluationMs.toFixed(1)} ms, round item ${cost.roundItemBytes} B, state item ${cost.stateItemBytes} B, init probe ${probeInitMs.toFixed(0)} ms / evaluator ${evaluatorInitMs.toFixed(0)} ms\n`);
  for (const [item, dollars, basis] of lines) console.log(`${item.padEnd(34)} $${dollars.toFixed(4).padStart(8)}   ${basis}`);
  console.log(`${'zk-lookout total'.padEnd(34)} $${total.toFixed(4).padStart(8)}   ($${withoutMetrics.toFixed(4)} without the EMF metrics)`);
  console.log(`${'CloudWatch Synthetics, 1 canary'.padEnd(34)} $${synthetics.toFixed(4).padStart(8)}   ${ROUNDS_PER_MONTH} runs × $0.0012 (its own Lambda time and S3 artifacts extra)`);
  console.log(`${'Synthetics / zk-lookout'.padEnd(34)} ${(synthetics / total).toFixed(1).padStart(8)}×   (${(synthetics / withoutMetrics).toFixed(0)}× without the EMF metrics)`);
} finally {
  await store.close();
  rmSync(bundleDir, { recursive: true, force: true });
}
