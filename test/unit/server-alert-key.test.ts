import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serverAlertKey } from '../../functions/core/evaluate/server-alert-key.ts';

describe('per-server alert keys', () => {
  it('are `<alert name>:<server>`, the same on every call', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, server) => {
        expect(serverAlertKey(name, server)).toBe(`${name}:${server}`);
        expect(serverAlertKey(name, server)).toBe(`${name}:${server}`);
      }),
      { numRuns: 30_000 },
    );
  });
});
