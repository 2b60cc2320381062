import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { warningKey, warningSignal } from '../../functions/core/evaluate/warning-key.ts';
import { SignalNames } from '../../functions/contract/signal-catalog.ts';

describe('early-warning keys', () => {
  it('name the signal, and the server when there is one; the signal reads back', () => {
    expect(warningKey('fd-use', '10.0.0.1:2181')).toBe('early-warning:fd-use:10.0.0.1:2181');
    expect(warningKey('elections-per-hour')).toBe('early-warning:elections-per-hour');
    for (const signal of SignalNames) {
      expect(warningSignal(warningKey(signal))).toBe(signal);
      expect(warningSignal(warningKey(signal, 'zk-1.example.com:2181'))).toBe(signal);
    }
  });

  it('reads what /^early-warning:([a-z0-9-]+)/ captures from any key', () => {
    const key = fc.oneof(fc.string(), fc.string().map((rest) => `early-warning:${rest}`), fc.stringMatching(/^early-warning:[a-z0-9-]*[:A-Z._]?.*$/));
    fc.assert(
      fc.property(key, (k) => {
        expect(warningSignal(k)).toBe(/^early-warning:([a-z0-9-]+)/.exec(k)?.[1]);
      }),
      { numRuns: 20_000 },
    );
  });
});
