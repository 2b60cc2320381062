import { readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { readArchivedRounds } from '../../functions/adapters/aws/round-archive.ts';
import { compareEpisodes } from '../../functions/core/evaluate/compare-replays.ts';
import { replayRounds, type EnsembleReplay } from '../../functions/core/evaluate/replay.ts';
import { formatErrors, type ParseResult } from '../../functions/contract/parse-with.ts';
import { parseSilences, type Silence } from '../../functions/contract/silences.ts';
import { parseThresholds, type ThresholdsDocument } from '../../functions/contract/thresholds.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { backtestReport } from '../../functions/core/report/backtest-report.ts';
import { formatBacktest, formatComparison } from '../format-backtest.ts';
import { openResultsTarget } from '../local/results-target.ts';
import { readRoundsFile } from '../local/rounds-file.ts';
import { Progress } from '../progress.ts';
import { timeOption } from '../time-option.ts';
import { UsageError } from '../usage-error.ts';
import { parseCommandOptions, printedHelp } from '../parse-options.ts';
import { FAILURE_EXIT_CODES } from '../exit-codes.ts';

const HELP = `usage: zk-lookout backtest (--rounds FILE | --store DIR) [options]

Replays stored rounds (per ensemble, in time order, from an empty state) through the
evaluator and prints which alerts would have fired and resolved, and when. Alerts a
silence or an inhibiting alarm would have kept quiet are marked. With --compare it
replays a second thresholds document and prints the difference.

options:
  --rounds FILE       JSON Lines rounds (zk-lookout export's format; - for stdin)
  --store DIR         or read them from a local store folder
  --ensemble NAME     with --store: only this ensemble
  --from ISO, --to ISO  with --store: only rounds scheduled in this window
  --thresholds FILE   thresholds document A (default: the built-in defaults)
  --silences FILE     silences list, applied at each round's own time
  --compare FILE      thresholds document B
  --report FILE       write a self-contained HTML report with charts
  --json              the result as JSON on stdout (episodes and the comparison)
  -h, --help          this text

exit codes: 0 done, 1 some rounds could not be read (reported on stderr), 64 bad options,
${FAILURE_EXIT_CODES}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv);
  if (printedHelp(values, HELP)) return 0;
  if ((values.rounds === undefined) === (values.store === undefined)) throw new UsageError('backtest: give exactly one of --rounds FILE or --store DIR');
  if (values.rounds !== undefined && (values.ensemble || values.from || values.to)) throw new UsageError('backtest: --ensemble, --from and --to go with --store');
  const a = await thresholdsFile(values.thresholds);
  const b = values.compare === undefined ? undefined : await thresholdsFile(values.compare);
  const silences = values.silences === undefined ? [] : await document<Silence[]>(values.silences, parseSilences, 'silences list');

  const { rounds, unreadable, source } = values.rounds !== undefined ? await roundsFromFile(values.rounds) : await roundsFromStore(values);
  if (rounds.length === 0) throw new UsageError(`backtest: no rounds in ${source}`);
  process.stderr.write(`backtest: replaying ${rounds.length} round(s) from ${source}\n`);

  const replaysA = replayRounds(rounds, { thresholds: a.document, silences });
  const replaysB = b ? replayRounds(rounds, { thresholds: b.document, silences }) : undefined;
  const comparison = replaysB ? compareEpisodes(episodes(replaysA), episodes(replaysB)) : undefined;

  if (values.report !== undefined) {
    const html = backtestReport({
      source,
      generatedAt: new Date(),
      a: { label: a.label, replays: replaysA },
      ...(b && replaysB && comparison ? { b: { label: b.label, replays: replaysB, comparison } } : {}),
    });
    const temp = `${values.report}.tmp-${process.pid}`;
    try {
      await writeFile(temp, html);
      await rename(temp, values.report);
    } catch (err) {
      throw new UsageError(`backtest: cannot write the report to ${values.report}: ${(err as Error).message}`);
    }
    process.stderr.write(`backtest: report written to ${values.report}\n`);
  }

  if (values.json) {
    const brief = (r: EnsembleReplay) => ({ ensembleName: r.ensembleName, rounds: r.rounds, episodes: r.episodes });
    console.log(
      JSON.stringify({
        source,
        rounds: rounds.length,
        unreadable,
        a: { label: a.label, ensembles: replaysA.map(brief) },
        ...(b && replaysB ? { b: { label: b.label, ensembles: replaysB.map(brief) }, comparison } : {}),
      }),
    );
  } else {
    console.log(formatBacktest(replaysA, a.label));
    if (b && replaysB && comparison) {
      console.log(`\n${formatBacktest(replaysB, b.label)}`);
      console.log(`\n${formatComparison(comparison, a.label, b.label)}`);
    }
  }
  return unreadable > 0 ? 1 : 0;
}

const episodes = (replays: readonly EnsembleReplay[]) => replays.flatMap((r) => r.episodes);

async function thresholdsFile(path: string | undefined): Promise<{ label: string; document: ThresholdsDocument }> {
  if (path === undefined) return { label: 'defaults', document: {} };
  return { label: basename(path), document: await document(path, parseThresholds, 'thresholds document') };
}

async function document<T>(path: string, parse: (text: string) => ParseResult<T>, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`backtest: cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  const result = parse(text);
  if (!result.ok) throw new UsageError(`backtest: ${path} is not a valid ${what}: ${formatErrors(result.errors)}`);
  return result.value;
}

interface LoadedRounds {
  rounds: ProbeRound[];
  unreadable: number;
  source: string;
}

async function roundsFromFile(path: string): Promise<LoadedRounds> {
  if (path !== '-' && !existsSync(path)) throw new UsageError(`backtest: --rounds ${path}: no such file`);
  const rounds: ProbeRound[] = [];
  let unreadable = 0;
  const progress = new Progress('backtest: reading rounds');
  for await (const entry of readRoundsFile(path)) {
    if (!entry.ok) {
      unreadable++;
      process.stderr.write(`backtest: ${path}: ${entry.error} (skipped)\n`);
      continue;
    }
    rounds.push(entry.line.round);
    progress.add();
  }
  return { rounds, unreadable, source: path === '-' ? 'stdin' : path };
}

async function roundsFromStore(values: { store?: string; ensemble?: string; from?: string; to?: string }): Promise<LoadedRounds> {
  const now = new Date();
  const from = values.from === undefined ? undefined : timeOption('from', values.from, now);
  const to = values.to === undefined ? undefined : timeOption('to', values.to, now);
  const target = await openResultsTarget({ store: values.store, mustExist: true }, 'backtest');
  const rounds: ProbeRound[] = [];
  let unreadable = 0;
  const progress = new Progress('backtest: reading rounds');
  try {
    for await (const entry of readArchivedRounds(target.client, target.tableName, {
      ...(values.ensemble ? { ensemble: values.ensemble } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    })) {
      if (!entry.ok) {
        unreadable++;
        process.stderr.write(`backtest: skipped ${entry.key}: ${entry.error}\n`);
        continue;
      }
      rounds.push(entry.line.round);
      progress.add();
    }
  } finally {
    await target.close();
  }
  return { rounds, unreadable, source: target.description };
}

function parseOptions(argv: string[]) {
  return parseCommandOptions('backtest', argv, {
    rounds: { type: 'string' },
    store: { type: 'string' },
    ensemble: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    thresholds: { type: 'string' },
    silences: { type: 'string' },
    compare: { type: 'string' },
    report: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
}
