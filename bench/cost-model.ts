/**
 * Cost per ensemble-month at a 1-minute cadence, every input measured in this run:
 *   - probe: the real probe handler invoked in process (bench/support/handler-logs.ts)
 *     against a local 3-server ensemble (words + canary + the round write): its duration
 *     and the bytes it writes to the log per invocation;
 *   - evaluator: the real evaluator handler given each recorded round's stream record:
 *     duration and log bytes per invocation;
 *   - request units and item sizes: the recorded rounds written and evaluated through the
 *     results-table adapter against dynalite, units from its ReturnConsumedCapacity
 *     (bench/support/store-cost.ts);
 *   - init durations: the bundled probe and evaluator required by a fresh process
 *     (bench/support/handler-bundles.ts), billed once per assumed cold start;
 * with each function's memory from the stack (256 MB, infra/constructs/lookout-function.ts)
 * and us-east-1 prices (FIELD-NOTES.md; CloudWatch prices from AWS's public price list).
 * The first total is the default stack; the second has `perEnsembleMetrics` on (5 EMF
 * custom metrics per ensemble, and the EMF documents' log bytes, measured the same way).
 * Next to it: CloudWatch Synthetics, one canary at the same cadence.
 *   npm run bench:cost [-- --probe-rounds 15 --messages-per-month 30 --cold-starts-per-hour 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_TABLE, openEmbeddedStore } from '../functions/adapters/local/embedded-store.ts';
import { settingsFor } from '../functions/core/evaluate/settings-snapshot.ts';
import { SWEEP_RATE_MINUTES } from '../infra/constructs/evaluator-function.ts';
import { MetricNames } from '../functions/contract/handler-environment.ts';
import { LocalEnsemble } from '../scripts/local-ensemble.ts';
import { median } from './stats.ts';
import { bundleHandlers, initTimeMs } from './support/handler-bundles.ts';
import { type HandlerLogs, measureHandlerLogs, platformRecordBytes } from './support/handler-logs.ts';
import { recordedTrio, roundStream } from './support/round-sequences.ts';
import { measureStoreCost } from './support/store-cost.ts';

const { values } = parseArgs({
  options: {
    'probe-rounds': { type: 'string', default: '15' },
    'store-rounds': { type: 'string', default: '201' },
    'evaluator-rounds': { type: 'string', default: '60' },
    'messages-per-month': { type: 'string', default: '30' },
    'cold-starts-per-hour': { type: 'string', default: '1' },
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

const store = await openEmbeddedStore(null);
const bundleDir = mkdtempSync(join(tmpdir(), 'zk-lookout-cost-'));
try {
  // 1. The handlers as Lambda runs them: duration and log bytes per invocation, default
  //    (INFO, no EMF) and with the per-ensemble metrics on.
  const rounds = roundStream(recordedTrio(), Number(values['store-rounds']), 60_000);
  const ensemble = await LocalEnsemble.start({ size: 3 });
  let logs: HandlerLogs;
  let logsWithMetrics: HandlerLogs;
  try {
    const servers = ensemble.servers.map((s) => ({ host: '127.0.0.1', port: s.clientPort }));
    const common = { endpoint: store.endpoint, tableName: LOCAL_TABLE, servers, probeRounds, rounds: rounds.slice(0, Number(values['evaluator-rounds'])) };
    // A warm-up pass (first connections, module loading), then the measured ones.
    await measureHandlerLogs({ ...common, probeRounds: 3, rounds: rounds.slice(0, 3), ensembleName: 'cost-warm-up', perEnsembleMetrics: false });
    logs = await measureHandlerLogs({ ...common, ensembleName: 'cost', perEnsembleMetrics: false });
    logsWithMetrics = await measureHandlerLogs({ ...common, ensembleName: 'cost-emf', perEnsembleMetrics: true });
  } finally {
    await ensemble.close();
  }

  // 2. Request units and sizes over recorded rounds (faults included), through the adapter.
  const settings = settingsFor({ thresholds: {}, silences: [], configProblems: [] }, 'cost');
  const cost = await measureStoreCost(store.table, rounds, settings);

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
  add('probe Lambda duration', gbSeconds(logs.probeMs, ROUNDS_PER_MONTH) * PRICE.lambdaGbSecondX86, `${logs.probeMs.toFixed(1)} ms measured (handler: words, canary, write) × 0.25 GB`);
  add('probe Lambda init', gbSeconds(probeInitMs, coldStartsPerMonth) * PRICE.lambdaGbSecondX86, `${probeInitMs.toFixed(0)} ms × ${coldStartsPerMonth} cold starts`);
  add('DynamoDB round writes', ROUNDS_PER_MONTH * cost.reported.writeUnitsPerRound * PRICE.dynamoWriteUnit, `${cost.reported.writeUnitsPerRound.toFixed(2)} WRU/round measured`);
  add('evaluator Lambda requests', ROUNDS_PER_MONTH * PRICE.lambdaRequest, `one stream batch per round (worst case: no batching)`);
  add('evaluator Lambda duration', gbSeconds(logs.evaluatorMs, ROUNDS_PER_MONTH) * PRICE.lambdaGbSecondX86, `${logs.evaluatorMs.toFixed(1)} ms measured (handler, against dynalite) × 0.25 GB`);
  add('evaluator Lambda init', gbSeconds(evaluatorInitMs, coldStartsPerMonth) * PRICE.lambdaGbSecondX86, `${evaluatorInitMs.toFixed(0)} ms × ${coldStartsPerMonth} cold starts`);
  add('DynamoDB state reads', ROUNDS_PER_MONTH * cost.reported.readUnitsPerEvaluation * PRICE.dynamoReadUnit, `${cost.reported.readUnitsPerEvaluation.toFixed(2)} RRU/evaluation measured`);
  add('DynamoDB state writes', ROUNDS_PER_MONTH * cost.reported.writeUnitsPerEvaluation * PRICE.dynamoWriteUnit, `${cost.reported.writeUnitsPerEvaluation.toFixed(2)} WRU/evaluation measured (outbox included)`);
  // The sweep (every SWEEP_RATE_MINUTES, per stack) reads each ensemble's state once: a quiet read, as measured.
  const sweepReads = (730 * 60) / SWEEP_RATE_MINUTES;
  add('DynamoDB sweep reads', sweepReads * cost.quiet.readUnitsPerEvaluation * PRICE.dynamoReadUnit, `${sweepReads} sweeps × ${cost.quiet.readUnitsPerEvaluation.toFixed(2)} RRU`);
  const storedGb = ((ROUNDS_PER_MONTH / 30.4) * RETENTION_DAYS * (cost.roundItemBytes + 100)) / 1024 ** 3;
  add('DynamoDB storage + PITR', storedGb * (PRICE.dynamoStorageGbMonth + PRICE.dynamoPitrGbMonth), `${(storedGb * 1024).toFixed(1)} MB of rounds kept ${RETENTION_DAYS} days`);
  add('SNS publish + email', messagesPerMonth * (PRICE.snsPublish + PRICE.snsEmail), `${messagesPerMonth} alert messages a month (assumed)`);
  const platformBytes = platformRecordBytes();
  const logsDollars = (l: HandlerLogs) => (ROUNDS_PER_MONTH * (l.probeBytes + l.evaluatorBytes + 2 * platformBytes) * PRICE.cloudWatchLogsGb) / 1024 ** 3;
  add(
    'CloudWatch Logs ingestion',
    logsDollars(logs),
    `probe ${logs.probeBytes.toFixed(0)} B + evaluator ${logs.evaluatorBytes.toFixed(0)} B per invocation measured (INFO lines ${logs.probeLines.toFixed(2)} / ${logs.evaluatorLines.toFixed(2)}), + ${platformBytes} B of Lambda's records each`,
  );

  const total = lines.reduce((sum, [, d]) => sum + d, 0);
  const metrics = Object.keys(MetricNames).length;
  const withMetrics = total - logsDollars(logs) + logsDollars(logsWithMetrics) + metrics * PRICE.cloudWatchMetricMonth;
  const synthetics = ROUNDS_PER_MONTH * PRICE.syntheticsRun;
  console.log(`cost per ensemble-month, 1-minute cadence (${ROUNDS_PER_MONTH} rounds), 3 servers, 256 MB x86 functions, us-east-1 prices`);
  console.log(
    `measured: probe invocation ${logs.probeMs.toFixed(1)} ms (median of ${probeRounds}), evaluator invocation ${logs.evaluatorMs.toFixed(1)} ms (median of ${logs.evaluatorRuns}), round item ${cost.roundItemBytes} B, state ${cost.stateItemBytes} B, init probe ${probeInitMs.toFixed(0)} ms / evaluator ${evaluatorInitMs.toFixed(0)} ms\n`,
  );
  for (const [item, dollars, basis] of lines) console.log(`${item.padEnd(34)} $${dollars.toFixed(4).padStart(8)}   ${basis}`);
  console.log(`${'zk-lookout total (default)'.padEnd(34)} $${total.toFixed(4).padStart(8)}   per ensemble-month, per-ensemble metrics off`);
  console.log(
    `${'with perEnsembleMetrics'.padEnd(34)} $${withMetrics.toFixed(4).padStart(8)}   + ${metrics} EMF metrics × $0.30; logs then probe ${logsWithMetrics.probeBytes.toFixed(0)} B / evaluator ${logsWithMetrics.evaluatorBytes.toFixed(0)} B per invocation`,
  );
  console.log(`${'CloudWatch Synthetics, 1 canary'.padEnd(34)} $${synthetics.toFixed(4).padStart(8)}   ${ROUNDS_PER_MONTH} runs × $0.0012 (its own Lambda time and S3 artifacts extra)`);
  console.log(`${'Synthetics / zk-lookout'.padEnd(34)} ${(synthetics / total).toFixed(0).padStart(8)}×`);
  console.log('per stack, not per ensemble: KMS key $1, $0.10 per watchdog alarm, $3 per dashboard page beyond the account\'s free 3, Logs Insights $0.005 per GB scanned while the dashboard is looked at');
} finally {
  await store.close();
  rmSync(bundleDir, { recursive: true, force: true });
}
