import { UsageError } from './usage-error.ts';

const RELATIVE = /^\+(\d+(?:\.\d+)?)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A time option: an ISO 8601 time with a zone (`2030-01-31T18:00:00Z`), or, where
 * `relative` is allowed, an offset from now (`+90s`, `+30m`, `+2h`, `+1d`). Anything else
 * is a UsageError naming the option.
 */
export function timeOption(name: string, raw: string, now: Date, relative = false): Date {
  const offset = RELATIVE.exec(raw);
  if (offset && relative) return new Date(now.getTime() + Number(offset[1]) * UNIT_MS[offset[2] as keyof typeof UNIT_MS]);
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(raw);
  const time = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || !hasZone || Number.isNaN(time.getTime())) {
    const forms = relative ? 'an ISO time with a zone (2030-01-31T18:00:00Z) or +N s|m|h|d (+2h)' : 'an ISO time with a zone, e.g. 2030-01-31T18:00:00Z';
    throw new UsageError(`--${name}: expected ${forms}, got "${raw}"`);
  }
  return time;
}
