/**
 * Where JSON.parse gave up, as line and column: `line 4, column 3: Expected ',' or '}'
 * after property value`. V8 reports only a character offset ("at position 38"), which no
 * editor shows.
 */
export function describeJsonError(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const offset = /at position (\d+)/.exec(message)?.[1];
  const reason = withoutPosition(message);
  if (offset === undefined) {
    // "Unexpected end of JSON input": the document stops early.
    if (/end of JSON input/.test(message)) {
      const lines = text.split('\n');
      return `line ${lines.length}, column ${(lines.at(-1)?.length ?? 0) + 1}: the document ends before it is complete`;
    }
    return reason;
  }
  const before = text.slice(0, Number(offset));
  const line = before.split('\n').length;
  const column = Number(offset) - before.lastIndexOf('\n');
  const endsEarly = text.slice(Number(offset)).trim() === '';
  return `line ${line}, column ${column}: ${endsEarly ? 'the document ends before it is complete' : reason}`;
}

/** V8's reason without its ` in JSON at position N …` and ` (line N column M)` tails; string search, not `\s*…\d+.*$` (quadratic). */
function withoutPosition(message: string): string {
  const at = message.indexOf(' in JSON at position ');
  let reason = (at >= 0 ? message.slice(0, at) : message).trimEnd();
  const paren = reason.lastIndexOf(' (line ');
  if (paren >= 0 && reason.endsWith(')') && /^ \(line \d{1,10} column \d{1,10}\)$/.test(reason.slice(paren))) reason = reason.slice(0, paren);
  return reason;
}
