/**
 * Reads a rounds file (JSON Lines, see `round-lines.ts`) from a path or stdin, line by
 * line, so a large export never sits in memory as one string. Blank lines are allowed; a
 * bad line comes back as an error with its line number, for the caller to report.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseRoundLine, RoundLineError, type RoundLine } from '../../functions/core/probe/round-lines.ts';

export type RoundsFileEntry = { ok: true; lineNumber: number; line: RoundLine } | { ok: false; lineNumber: number; error: string };

/** `-` or undefined reads stdin. */
export async function* readRoundsFile(path: string | undefined): AsyncGenerator<RoundsFileEntry> {
  const input = path === undefined || path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    try {
      yield { ok: true, lineNumber, line: parseRoundLine(text, lineNumber) };
    } catch (err) {
      if (!(err instanceof RoundLineError)) throw err;
      yield { ok: false, lineNumber, error: err.message };
    }
  }
}
