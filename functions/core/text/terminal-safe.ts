/**
 * Text for a terminal: control characters (ESC that starts colour, cursor and OSC
 * sequences, CR that returns to the line start, BS, bidi overrides that reorder what is
 * shown) are printed as visible `\xNN`/`\u{NNNN}` escapes, so a server's text cannot
 * rewrite a row of the table it is shown in. Newlines stay only where `keepNewlines`.
 */
export function terminalSafe(text: string, keepNewlines = false): string {
  return text.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g, (c) => {
    if (keepNewlines && c === '\n') return c;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
