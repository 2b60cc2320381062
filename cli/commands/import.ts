import { existsSync } from 'node:fs';
import type { RoundLine } from '../../functions/core/probe/round-lines.ts';
import { openResultsTarget } from '../local/results-target.ts';
import { readRoundsFile } from '../local/rounds-file.ts';
import { Progress } from '../progress.ts';
import { intOption, UsageError } from '../usage-error.ts';
import { parseCommandOptions, printedHelp } from '../parse-options.ts';
import { FAILURE_EXIT_CODES } from '../exit-codes.ts';

const HELP = `usage: zk-lookout import (--table NAME [--region R] | --store DIR) [options]

Writes rounds from a JSON Lines file (zk-lookout export's format) into the results
table. Every write is conditional on the round's key (ensemble, scheduled time, round
id) being new, so importing the same file twice adds nothing the second time.

options:
  --table NAME      the DynamoDB results table (SDK default credentials)
  --region R        its region (default: the SDK's)
  --store DIR       a local store folder (created when missing)
  --in FILE         read here instead of stdin
  --ttl-days N      days an imported round lives, counted from its scheduled time
                    (default 14: rounds older than that are removed by DynamoDB's TTL
                    within days, so raise it to keep old rounds for a backtest)
  --concurrency N   writes in flight (default 8)
  --json            print the counts as JSON on stdout
  -h, --help        this text

A line that is not a round is reported on stderr with its line number and skipped;
the others are still imported, and the exit code is then 1.

exit codes: 0 done, 1 some lines invalid (skipped), 64 bad options,
${FAILURE_EXIT_CODES}`;

export interface ImportCounts {
  imported: number;
  existing: number;
  invalid: number;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv);
  if (printedHelp(values, HELP)) return 0;
  if (values.in !== undefined && values.in !== '-' && !existsSync(values.in)) throw new UsageError(`import: --in ${values.in}: no such file`);
  const roundTtlDays = values['ttl-days'] === undefined ? undefined : intOption('ttl-days', values['ttl-days'], 14, 1, 36_500);
  const concurrency = intOption('concurrency', values.concurrency, 8, 1, 64);
  const target = await openResultsTarget({ table: values.table, region: values.region, store: values.store, ...(roundTtlDays ? { roundTtlDays } : {}) }, 'import');
  const counts: ImportCounts = { imported: 0, existing: 0, invalid: 0 };
  const progress = new Progress(`import into ${target.description}: lines`);
  const inFlight = new Set<Promise<void>>();
  const write = async (line: RoundLine) => {
    if (await target.table.putRound(line.round, line.scheduledAt)) counts.imported++;
    else counts.existing++;
  };
  try {
    for await (const entry of readRoundsFile(values.in)) {
      if (!entry.ok) {
        counts.invalid++;
        process.stderr.write(`import: ${values.in ?? 'stdin'}: ${entry.error} (skipped)\n`);
        continue;
      }
      const pending = write(entry.line).finally(() => inFlight.delete(pending));
      pending.catch(() => undefined); // awaited below; this only keeps a failure from counting as unhandled meanwhile
      inFlight.add(pending);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      progress.add(1, `${counts.imported} new, ${counts.existing} already there`);
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    await target.close();
  }
  if (values.json) console.log(JSON.stringify({ ...counts, target: target.description }));
  else console.log(`import: ${counts.imported} round(s) imported, ${counts.existing} already present, ${counts.invalid} invalid line(s) skipped (${target.description})`);
  return counts.invalid > 0 ? 1 : 0;
}

function parseOptions(argv: string[]) {
  return parseCommandOptions('import', argv, {
    table: { type: 'string' },
    region: { type: 'string' },
    store: { type: 'string' },
    in: { type: 'string' },
    'ttl-days': { type: 'string' },
    concurrency: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
}
