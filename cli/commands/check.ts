import { loadLocalSettings } from '../../functions/adapters/local/file-settings.ts';
import { evaluateRound } from '../../functions/core/evaluate/evaluate-round.ts';
import { settingsFor } from '../../functions/core/evaluate/settings-snapshot.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { probeOptionsFor } from '../../functions/app/probe-options.ts';
import { nagiosResult, NagiosStatus, oneLine } from '../format-nagios.ts';
import { parseCommandOptions, printedHelp } from '../parse-options.ts';
import { PROBE_TARGET_HELP, PROBE_TARGET_OPTIONS, probeTargetFrom } from '../probe-target.ts';
import { UsageError } from '../usage-error.ts';

const HELP = `usage: zk-lookout check --servers host:port[,host:port...] [options]

Probes the ensemble once, evaluates the round and prints what a Nagios, Icinga or Sensu
check prints: a first line naming the worst problem and its cause, with performance data,
then one line per server (mode, error, latency):
  ZK-LOOKOUT OK - 3/3 serving, leader 10.0.0.1:2181, warning probability 0.0001 | leaders=1;1:1;1:;0 ...
  ZK-LOOKOUT CRITICAL - 10.0.0.2:2181 connection-refused, 10.0.0.3:2181 not-serving; quorum lost (1 of 3 serving) | ...
  ZK-LOOKOUT CRITICAL - server down: zk1:2181 dns-unresolved | ...
Causes: connection-refused, connect-timeout, reply-timeout (a paused or overloaded server),
connection-reset, no-reply, tls-failed, dns-unresolved, not-serving (no quorum),
not-whitelisted, malformed.

Alarms (server down or not serving, no leader, quorum lost, read-only, canary failed)
fire at once. A single round has no history, so warnings use forRounds=1: the warning
probability at or above warnAt is WARNING; two leaders seen in this one round is WARNING
(the service needs two rounds in a row for the alarm). Signals in mode p*w act as w (no
baseline yet), and trends/forecasts have no value.

options:
${PROBE_TARGET_HELP}
  --thresholds FILE    thresholds document (default: the built-in defaults)
  -h, --help           this text

exit codes (the Nagios plugin ones): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad options,
an invalid thresholds document, or the check itself failed; the first line says which)`;

export async function run(argv: string[]): Promise<number> {
  try {
    return await check(argv);
  } catch (err) {
    // A Nagios plugin reports its own failures as UNKNOWN on stdout, never as a stack trace.
    console.log(`ZK-LOOKOUT UNKNOWN - ${oneLine(err instanceof Error ? err.message : String(err))}`);
    return NagiosStatus.UNKNOWN;
  }
}

async function check(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv);
  if (printedHelp(values, HELP)) return 0;
  const { servers, options } = probeOptionsFor(probeTargetFrom('check', values));

  const snapshot = await loadLocalSettings(values.thresholds);
  if (snapshot.configProblems.length > 0) throw new UsageError(`invalid thresholds: ${snapshot.configProblems.join('; ')}`);
  const settings = settingsFor(snapshot, values.name);
  settings.thresholds = { ...settings.thresholds, forRounds: 1, persistence: { rounds: 1 } };

  const round = await probeEnsemble(servers, options);
  const { state } = evaluateRound(undefined, round, settings, new Date());
  const result = nagiosResult(round, state, settings.thresholds);
  console.log([result.line, ...result.details].join('\n'));
  return NagiosStatus[result.status];
}

function parseOptions(argv: string[]) {
  return parseCommandOptions('check', argv, {
    ...PROBE_TARGET_OPTIONS,
    thresholds: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
}
