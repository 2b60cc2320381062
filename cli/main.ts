/**
 * zk-lookout's command line. Each command lives in cli/commands/<name>.ts and exports
 * `run(argv)` returning the exit code; this file only dispatches.
 */
import { didYouMean } from '../functions/contract/did-you-mean.ts';
import { reportError } from './report-error.ts';
import { UsageError } from './usage-error.ts';
import { VERSION } from './version.ts';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  probe: { summary: 'probe every server of an ensemble once and print the round', load: () => import('./commands/probe.ts') },
  thresholds: { summary: 'print the default thresholds or validate a thresholds/silences document', load: () => import('./commands/thresholds.ts') },
  check: { summary: 'probe and evaluate once; print a Nagios plugin line (exit 0/1/2/3)', load: () => import('./commands/check.ts') },
  export: { summary: 'write stored probe rounds as JSON Lines (DynamoDB table or local store)', load: () => import('./commands/export.ts') },
  import: { summary: 'load rounds from JSON Lines into the results table; re-importing adds nothing', load: () => import('./commands/import.ts') },
  backtest: { summary: 'replay rounds through the evaluator; compare threshold documents; HTML report', load: () => import('./commands/backtest.ts') },
  silence: { summary: 'add, list or remove silences (SSM document or local file)', load: () => import('./commands/silence.ts') },
  run: { summary: 'run the whole pipeline locally (probe, store, evaluate, alert) every interval', load: () => import('./commands/run.ts') },
  init: { summary: 'write a local config (zk-lookout.local.json) for given servers, to start run from', load: () => import('./commands/init.ts') },
};

const EXIT_CODES = `exit codes: 0 success; 64 bad command line (usage); 70 internal error; 78 bad configuration
(config file, thresholds, store folder, AWS credentials or permissions); check also uses
1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios plugin codes)`;

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: zk-lookout <command> [options]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'zk-lookout <command> --help shows the options and exit codes of a command.',
    'zk-lookout --version prints the version.',
    '',
    EXIT_CODES,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    // Nothing asked: usage on stderr, as for any other usage error.
    console.error(help());
    return 64;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  if (name === '--version' || name === '-V') {
    console.log(`zk-lookout ${VERSION}`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}\n\n${help()}`);
  return (await command.load()).run(rest);
}

// `zk-lookout probe --json | head` closes stdout early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    const report = await reportError(err);
    console.error(report.message);
    process.exitCode = report.code;
  },
);
