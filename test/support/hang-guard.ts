import { expect } from 'vitest';

/**
 * Tests do not time the checker (bench:probe does); they only guard against a hang. A
 * missing deadline shows as the OS's own timeout (tens of seconds to minutes) or a
 * quadratic parse (seconds per 40 KB), far beyond twice the deadline, while a loaded CI
 * machine can add a few hundred milliseconds to a round that respects it.
 */
export function expectNoHang(elapsedMs: number, deadlineMs: number): void {
  expect(elapsedMs, `took ${Math.round(elapsedMs)} ms against a ${deadlineMs} ms deadline`).toBeLessThanOrEqual(deadlineMs * 2);
}
