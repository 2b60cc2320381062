import { readFile } from 'node:fs/promises';
import { parseSilences } from '../../functions/contract/silences.ts';
import { DEFAULT_THRESHOLDS, parseThresholds, thresholdNotices } from '../../functions/contract/thresholds.ts';
import { didYouMean } from '../../functions/contract/did-you-mean.ts';
import { UsageError } from '../usage-error.ts';
import { parseCommandOptions, printedHelp } from '../parse-options.ts';

const HELP = `usage: zk-lookout thresholds defaults
       zk-lookout thresholds validate [--silences] FILE   (FILE - reads stdin)

defaults   prints the default thresholds document (JSON); every field is documented
           in docs/THRESHOLDS.md
validate   checks a thresholds document (or, with --silences, a silences list) before
           anyone puts it into SSM; prints each error as <json.path>: <reason>

exit codes: 0 valid, 1 invalid, 64 bad options or unreadable FILE, 70 internal error`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv);
  const [action, ...rest] = positionals;
  if (printedHelp(values, HELP)) return 0;
  if (action === 'defaults' && rest.length === 0) {
    console.log(JSON.stringify(DEFAULT_THRESHOLDS, null, 2));
    return 0;
  }
  if (action === 'validate') {
    if (rest.length === 1 && rest[0] !== undefined) return validate(rest[0], values.silences);
    throw new UsageError(
      rest.length === 0
        ? `thresholds validate: which document? give its FILE (or - for stdin), e.g. zk-lookout thresholds validate${values.silences ? ' --silences silences.json' : ' thresholds.json'}`
        : `thresholds validate: one FILE at a time, got ${rest.length}: ${rest.join(' ')}`,
    );
  }
  const hint = action === undefined ? '' : didYouMean(action, ['defaults', 'validate']);
  throw new UsageError(`thresholds: expected "defaults" or "validate FILE", got ${action === undefined ? 'nothing' : `"${positionals.join(' ')}"`}${hint}\n\n${HELP}`);
}

async function validate(file: string, silences: boolean): Promise<number> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`thresholds validate: cannot read ${file === '-' ? 'stdin' : file}: ${(err as Error).message}`);
  }
  const name = file === '-' ? 'stdin' : file;
  if (!silences) {
    const parsed = parseThresholds(text);
    if (parsed.ok) {
      console.log(`${name}: valid thresholds document`);
      // Old round-count settings still work but mean different things at other cadences: say so.
      for (const notice of thresholdNotices(parsed.value)) console.log(`notice: ${notice}`);
      return 0;
    }
    // Every problem at once, so one edit fixes them all.
    for (const error of parsed.errors) console.log(`${error.path}: ${error.message}`);
    return 1;
  }
  const result = parseSilences(text);
  if (result.ok) {
    console.log(`${name}: valid silences list`);
    return 0;
  }
  // Every problem at once, so one edit fixes them all.
  for (const error of result.errors) console.log(`${error.path}: ${error.message}`);
  return 1;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseOptions(argv: string[]) {
  return parseCommandOptions('thresholds', argv, {
    silences: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  }, true);
}
