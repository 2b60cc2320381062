/**
 * Thresholds and silences from local files (local mode, `zk-lookout check`), validated
 * like the SSM documents: a bad file keeps the last good version read by this process,
 * or the defaults, and is reported in `configProblems`; it never throws.
 */
import { readFile } from 'node:fs/promises';
import type { ParseResult } from '../../contract/parse-with.ts';
import { parseKeepingLastGood } from '../../contract/settings-document.ts';
import type { SettingsSnapshot } from '../../core/evaluate/settings-snapshot.ts';
import { parseSilences, type Silence } from '../../contract/silences.ts';
import { parseThresholds, type ThresholdsDocument } from '../../contract/thresholds.ts';

/** Last good text per file path, for the life of the process. */
const lastGood = new Map<string, string>();

export async function loadLocalSettings(thresholdsFile?: string, silencesFile?: string): Promise<SettingsSnapshot> {
  const configProblems: string[] = [];
  const thresholds = await loadFile<ThresholdsDocument>(thresholdsFile, parseThresholds, configProblems);
  const silences = await loadFile<Silence[]>(silencesFile, parseSilences, configProblems);
  return { thresholds: thresholds ?? {}, silences: silences ?? [], configProblems };
}

async function loadFile<T>(file: string | undefined, parse: (text: string) => ParseResult<T>, problems: string[]): Promise<T | undefined> {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const kept = lastGood.get(file);
    const value = kept === undefined ? undefined : parse(kept);
    problems.push(`${file}: cannot read: ${(err as Error).message} (using ${value?.ok ? 'the last good version' : 'the defaults'})`);
    return value?.ok ? value.value : undefined;
  }
  const result = parseKeepingLastGood(file, text, parse, lastGood);
  if (result.problem) problems.push(result.problem);
  return result.value;
}
