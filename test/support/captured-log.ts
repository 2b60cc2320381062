/**
 * What a handler invoked in this process writes, as Lambda would ship it to CloudWatch:
 * stdout and stderr (errors), captured while `invoke` runs. Used by the log tests and by
 * `npm run bench:cost`, which bills the bytes (so plain Node, no vitest spy).
 */

export interface CapturedOutput<T> {
  result: T;
  /** Every byte written, in order. */
  text: string;
  /** The Powertools Logger lines (JSON with a `level`). */
  lines: Record<string, unknown>[];
}

export async function capturedDuring<T>(invoke: () => Promise<T>): Promise<CapturedOutput<T>> {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) stream.write = capture as typeof stream.write;
  let result: T;
  try {
    result = await invoke();
  } finally {
    streams.forEach((stream, i) => (stream.write = originals[i]!));
  }
  const text = chunks.join('');
  return { result, text, lines: logLines(text) };
}

export function logLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => 'level' in line);
}
