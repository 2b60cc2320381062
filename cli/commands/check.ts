import { parseArgs } from 'node:util';
import { loadLocalSettings } from '../../functions/adapters/file-settings.ts';
import { evaluateRound } from '../../functions/core/evaluate/evaluate-round.ts';
import { settingsFor } from '../../functions/core/evaluate/settings-snapshot.ts';
import { AddressError, parseServerList } from '../../functions/core/probe/server-address.ts';
import { DEFAULT_CANARY_ROOT } from '../../functions/probe/canary-session.ts';
import { DEFAULT_TIMEOUT_MS, probeEnsemble } from '../../functions/probe/probe-ensemble.ts';
import { nagiosResult, NagiosStatus, oneLine } from '../format-nagios.ts';
import { intOption, UsageError } from '../usage-error.ts';

const HELP = `usage: zk-lookout check --servers host:port[,host:port...] [options]

Probes the ensemble once, evaluates the round and prints one Nagios plugin line, so it
works as a Nagios, Icinga or Sensu check:
  ZK-LOOKOUT OK - 3/3 serving, leader 10.0.0.1:2181, warning probability 0.0001 | leaders=1;;;0 ...

Alarms (server down or not serving, no leader, quorum lost, read-only, canary failed)
fire at once. A single round has no history, so warnings use forRounds=1: the warning
probability at or above warnAt is WARNING; two leaders seen in this one round is WARNING
(the service needs two rounds in a row for the alarm). Signals in mode p*w act as w (no
baseline yet), and trends/forecasts have no value.

options:
  --servers LIST       client ports, comma-separated; required
  --admin-port N       AdminServer port of every server (for words outside the whitelist)
  --thresholds FILE    thresholds document (default: the built-in defaults)
  --timeout-ms N       deadline per server and for the canary (default ${DEFAULT_TIMEOUT_MS})
  --canary             also run a canary session
  --canary-root PATH   parent znode for the canary (default ${DEFAULT_CANARY_ROOT})
  --name NAME          ensemble name (selects ensembles.<name> overrides; default "default")
  -h, --help           this text

exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad options, invalid thresholds
document, or the check itself failed)`;

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
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.servers) throw new UsageError('check needs --servers host:port[,host:port...] (see zk-lookout check --help)');
  const timeoutMs = intOption('timeout-ms', values['timeout-ms'], DEFAULT_TIMEOUT_MS, 10, 600_000);
  const adminPort = values['admin-port'] === undefined ? undefined : intOption('admin-port', values['admin-port'], 0, 1, 65535);
  const servers = parseServers(values.servers, adminPort);

  const snapshot = await loadLocalSettings(values.thresholds);
  if (snapshot.configProblems.length > 0) throw new UsageError(`invalid thresholds: ${snapshot.configProblems.join('; ')}`);
  const settings = settingsFor(snapshot, values.name);
  settings.thresholds = { ...settings.thresholds, forRounds: 1 };

  const round = await probeEnsemble(servers, {
    ensembleName: values.name,
    timeoutMs,
    canary: values.canary ? { root: values['canary-root'] } : undefined,
  });
  const { state } = evaluateRound(undefined, round, settings, new Date());
  const result = nagiosResult(round, state, settings.thresholds);
  console.log(result.line);
  return NagiosStatus[result.status];
}

function parseServers(text: string, adminPort: number | undefined) {
  try {
    return parseServerList(text, adminPort === undefined ? {} : { adminPort });
  } catch (err) {
    if (err instanceof AddressError) throw new UsageError(`--servers: ${err.message}`);
    throw err;
  }
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      options: {
        servers: { type: 'string' },
        'admin-port': { type: 'string' },
        thresholds: { type: 'string' },
        'timeout-ms': { type: 'string' },
        canary: { type: 'boolean', default: false },
        'canary-root': { type: 'string' },
        name: { type: 'string', default: 'default' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`check: ${(err as Error).message}`);
  }
}
