/**
 * assessRisk's ordering and its summary figure, over arbitrary signal values: the parts
 * come highest risk first with equal risks in the order the values came (what a stable
 * sort by risk gives; the code sorts by insertion, issue 16), every assessed value is
 * there once, and the probability is the noisy-OR of the parts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignalNames, type SignalName } from '../../functions/contract/signal-catalog.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import { assessRisk } from '../../functions/core/evaluate/assess-risk.ts';
import { significant } from '../../functions/core/evaluate/significant.ts';
import type { SignalValue } from '../../functions/core/evaluate/signals.ts';
import { noisyOr } from '../../functions/core/evaluate/warning-model.ts';

const thresholds = resolveThresholds(DEFAULT_THRESHOLDS, 'unit');
const learning = { timeConstantS: 3600, warmupS: 600, dtS: 60 };

const value: fc.Arbitrary<SignalValue> = fc.record({
  signal: fc.constantFrom(...SignalNames),
  server: fc.constantFrom('zk1:2181', 'zk2:2181', 'zk3:2181'),
  // A few repeated values make equal risks, whose order the sort must keep.
  value: fc.oneof(fc.constantFrom(0, 1, 5, 50, 500), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
});

describe('assessRisk', () => {
  it('orders the parts by risk, highest first, equal risks in input order', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), (values) => {
        const { signals, probability } = assessRisk(values, {}, thresholds, learning);
        const assessed = values.filter((v) => thresholds.signals[v.signal as SignalName].mode !== 'off');
        expect(signals).toHaveLength(assessed.length);
        // Each part points back at the value it came from: the first unused one of its signal and server.
        const used = new Set<number>();
        const origin = signals.map((part) => {
          const i = assessed.findIndex((v, k) => !used.has(k) && v.signal === part.signal && v.server === part.server && significant(v.value, 4) === part.value);
          used.add(i);
          return i;
        });
        expect(origin).not.toContain(-1);
        for (let i = 1; i < signals.length; i++) {
          const [a, b] = [signals[i - 1]!, signals[i]!];
          expect(a.risk).toBeGreaterThanOrEqual(b.risk);
          if (a.risk === b.risk) expect(origin[i - 1]).toBeLessThan(origin[i]!);
        }
        expect(probability).toBe(significant(noisyOr(signals.map((s) => s.risk)), 4));
      }),
    );
  });
});
