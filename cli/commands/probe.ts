import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { probeOptionsFor } from '../../functions/app/probe-options.ts';
import { formatRound } from '../format-round.ts';
import { parseCommandOptions, printedHelp } from '../parse-options.ts';
import { PROBE_TARGET_HELP, PROBE_TARGET_OPTIONS, probeTargetFrom } from '../probe-target.ts';

const HELP = `usage: zk-lookout probe --servers host:port[,host:port...] [options]

Probes every server of one ensemble once (four-letter words, the AdminServer where
needed, optionally a canary session) and prints the round.

options:
${PROBE_TARGET_HELP}
  --json               print the ProbeRound as JSON instead of a table
  -h, --help           this text

exit codes: 0 the round was taken (whatever it found), 64 bad options, 70 internal error`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandOptions('probe', argv, {
    ...PROBE_TARGET_OPTIONS,
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (printedHelp(values, HELP)) return 0;
  const { servers, options } = probeOptionsFor(probeTargetFrom('probe', values));
  const round = await probeEnsemble(servers, options);
  console.log(values.json ? JSON.stringify(round, null, 2) : formatRound(round));
  return 0;
}
