import { readFile } from 'node:fs/promises';
import { parseSilences } from '../../functions/core/evaluate/silences.ts';
import { DEFAULT_THRESHOLDS, parseThresholds, thresholdNotices } from '../../functions/core/evaluate/thresholds.ts';
import { UsageError } from '../usage-error.ts';
import { parseCommandOptions } from '../parse-options.ts';

const HELP = `usage: zk-lookout thresholds defaults
       zk-lookout thresholds validate [--silences] FILE

defaults   prints the default thresholds document (JSON); every field is documented
           in docs/THRESHOLDS.md
validate   checks a thresholds document (or, with --silences, a silences list) before
           anyone puts it into SSM; prints each error as <json.path>: <reason>

exit codes: 0 valid, 1 invalid, 64 bad options or unreadable FILE`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv);
  const [action, ...rest] = positionals;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (action === 'defaults' && rest.length === 0) {
    console.log(JSON.stringify(DEFAULT_THRESHOLDS, null, 2));
    return 0;
  }
  if (action === 'validate' && rest.length === 1 && rest[0] !== undefined) return validate(rest[0], values.silences);
  throw new UsageError(`thresholds: expected "defaults" or "validate FILE", got "${positionals.join(' ')}"\n\n${HELP}`);
}

async function validate(file: string, silences: boolean): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`thresholds validate: cannot read ${file}: ${(err as Error).message}`);
  }
  if (!silences) {
    const result = parseThresholds(text);
    if (result.ok) {
      console.log(`${file}: valid thresholds document`);
      // Old round-count settings still work but mean different things at other cadences: say so.
      for (const notice of thresholdNotices(result.value)) console.log(`notice: ${notice}`);
      return 0;
    }
    for (const error of result.errors) console.log(`${error.path}: ${error.message}`);
    return 1;
  }
  const result = parseSilences(text);
  if (result.ok) {
    console.log(`${file}: valid silences list`);
    return 0;
  }
  for (const error of result.errors) console.log(`${error.path}: ${error.message}`);
  return 1;
}

function parseOptions(argv: string[]) {
  return parseCommandOptions('thresholds', argv, {
    silences: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  }, true);
}
