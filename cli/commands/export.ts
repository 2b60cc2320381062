import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { readArchivedRounds } from '../../functions/adapters/aws/round-archive.ts';
import { formatRoundLine } from '../../functions/core/probe/round-lines.ts';
import { openResultsTarget } from '../local/results-target.ts';
import { Progress } from '../progress.ts';
import { timeOption } from '../time-option.ts';
import { intOption, UsageError } from '../usage-error.ts';
import { parseCommandOptions, printedHelp } from '../parse-options.ts';
import { FAILURE_EXIT_CODES } from '../exit-codes.ts';

const HELP = `usage: zk-lookout export (--table NAME [--region R] | --store DIR) [options]

Writes probe rounds from the results table as JSON Lines, one
{"scheduledAt": ISO, "round": ProbeRound} per line (the format import and
backtest --rounds read). One ensemble is read in time order (a Query); without
--ensemble every ensemble is read (a Scan, in table order).

options:
  --table NAME      the DynamoDB results table (SDK default credentials)
  --region R        its region (default: the SDK's)
  --store DIR       a local store folder (the storeDir of a zk-lookout run config)
  --ensemble NAME   only this ensemble
  --from ISO        rounds scheduled at or after this time
  --to ISO          rounds scheduled at or before this time
  --out FILE        write here instead of stdout
  --page-size N     items per read (default: DynamoDB's 1 MB pages)
  --json            print the summary as JSON on stderr
  -h, --help        this text

Progress goes to stderr. Items this version cannot read are reported and
skipped; the exit code is then 1.

exit codes: 0 done, 1 some items unreadable (skipped), 64 bad options,
${FAILURE_EXIT_CODES}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv);
  if (printedHelp(values, HELP)) return 0;
  const now = new Date();
  const from = values.from === undefined ? undefined : timeOption('from', values.from, now);
  const to = values.to === undefined ? undefined : timeOption('to', values.to, now);
  if (from && to && from > to) throw new UsageError(`export: --from ${values.from} is after --to ${values.to}`);
  const pageSize = values['page-size'] === undefined ? undefined : intOption('page-size', values['page-size'], 0, 1, 10_000);
  const target = await openResultsTarget({ table: values.table, region: values.region, store: values.store, mustExist: true }, 'export');
  let out: NodeJS.WritableStream;
  try {
    out = values.out === undefined ? process.stdout : await openOut(values.out);
  } catch (err) {
    await target.close();
    throw err;
  }
  const progress = new Progress(`export from ${target.description}: rounds`);
  let skipped = 0;
  try {
    for await (const entry of readArchivedRounds(target.client, target.tableName, {
      ...(values.ensemble ? { ensemble: values.ensemble } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(pageSize ? { pageSize } : {}),
    })) {
      if (!entry.ok) {
        skipped++;
        process.stderr.write(`export: skipped ${entry.key}: ${entry.error}\n`);
        continue;
      }
      if (!out.write(`${formatRoundLine(entry.line)}\n`)) await once(out, 'drain');
      progress.add();
    }
  } finally {
    await target.close();
    if (out !== process.stdout) await closeStream(out as WriteStream);
  }
  const summary = { exported: progress.total, skipped, source: target.description, ...(values.out ? { out: values.out } : {}) };
  process.stderr.write(values.json ? `${JSON.stringify(summary)}\n` : `export: ${summary.exported} round(s) from ${summary.source}${values.out ? ` to ${values.out}` : ''}${skipped ? `; ${skipped} unreadable item(s) skipped` : ''}\n`);
  return skipped > 0 ? 1 : 0;
}

async function openOut(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  try {
    await once(stream, 'open');
  } catch (err) {
    throw new UsageError(`export: cannot write ${path}: ${(err as Error).message}`);
  }
  return stream;
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

function parseOptions(argv: string[]) {
  return parseCommandOptions('export', argv, {
    table: { type: 'string' },
    region: { type: 'string' },
    store: { type: 'string' },
    ensemble: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
    'page-size': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
}
