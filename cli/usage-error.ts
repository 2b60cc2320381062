/** The command line was wrong; the message says what and where. Exit code 64 (EX_USAGE). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A whole positive integer option, or a UsageError naming the option. */
export function intOption(name: string, raw: string | undefined, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}
