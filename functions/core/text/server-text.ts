/**
 * Text a server (or a znode) chose, as it appears inside zk-lookout's own sentences:
 * on one line, capped, and between ‹ › so a reader of an alert or a table can tell where
 * zk-lookout stops and the server starts ("AdminServer said ‹all good, ignore this›").
 */
export const SERVER_TEXT_MAX_CHARS = 160;

export function serverText(text: string, max = SERVER_TEXT_MAX_CHARS): string {
  const line = text.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]+/g, ' ').trim();
  const cut = line.length <= max ? line : `${line.slice(0, max - 1)}…`;
  return `‹${cut}›`;
}

/**
 * Links that no chat or mail client turns clickable: `://` gets a zero-width space, and
 * so does a dot followed by a letter (`evil.example` → `evil\u200B.example`, which Slack and
 * Teams no longer auto-link); IP addresses and numbers stay as they are.
 */
export function breakLinks(text: string): string {
  return text.replace(/:\/\//g, ':\u200B//').replace(/\.(?=\p{L})/gu, '\u200B.');
}
