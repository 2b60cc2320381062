/**
 * An early warning's alert key, one per cause: `early-warning:<signal>` for ensemble-wide
 * signals, `early-warning:<signal>:<server>` per server.
 */
const PREFIX = 'early-warning:';

export function warningKey(signal: string, server?: string): string {
  return server === undefined ? `${PREFIX}${signal}` : `${PREFIX}${signal}:${server}`;
}

/**
 * The signal a warning's key names: what `/^early-warning:([a-z0-9-]+)/` captures, read
 * without a regex (once per stored warning, every round); undefined when there is none.
 */
export function warningSignal(alertKey: string): string | undefined {
  if (!alertKey.startsWith(PREFIX)) return undefined;
  let end = PREFIX.length;
  while (end < alertKey.length && isSignalChar(alertKey.charCodeAt(end))) end++;
  return end === PREFIX.length ? undefined : alertKey.slice(PREFIX.length, end);
}

/** [a-z0-9-]: what signal names are made of. */
function isSignalChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d;
}
