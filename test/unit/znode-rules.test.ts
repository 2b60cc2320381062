import { describe, expect, it } from 'vitest';
import { parseZnodeRules, ruleId } from '../../functions/contract/znode-rules.ts';

describe('znode rules validation', () => {
  it('accepts the recipes from docs/ZNODE-CHECKS.md', () => {
    const parsed = parseZnodeRules([
      { check: 'children', path: '/brokers/ids', min: 3 },
      { check: 'exists', path: '/controller' },
      { check: 'election', path: '/hbase/master-election', name: 'hbase-master' },
      { check: 'config', path: '/app/config' },
      { check: 'data', path: '/app/config', jsonPath: '$.mode', equals: 'active' },
      { check: 'ephemeral-owner', path: '/hbase/master' },
      { check: 'open-acl', path: '/' },
    ]);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.rules[3]).toMatchObject({ content: false });
      expect(parsed.rules[6]).toMatchObject({ maxDepth: 3 });
      expect(ruleId(parsed.rules[2] as never)).toBe('hbase-master');
      expect(ruleId(parsed.rules[0] as never)).toBe('children:/brokers/ids');
    }
  });

  it.each([
    [{ check: 'exists', path: 'brokers/ids' }, /znodeRules\[0\]\.path: must be absolute/],
    [{ check: 'exists', path: '/brokers/' }, /must not end with "\/"/],
    [{ check: 'exists', path: '/a//b' }, /empty, "\." or "\.\." segment/],
    [{ check: 'exists', path: '/a/../b' }, /segment/],
    [{ check: 'children', path: '/x', min: -1 }, /znodeRules\[0\]\.min: /],
    [{ check: 'children', path: '/x', min: 5, max: 2 }, /min must not exceed max/],
    [{ check: 'children', path: '/x' }, /needs min, max or both/],
    [{ check: 'data', path: '/x', regex: '(unclosed' }, /znodeRules\[0\]\.regex: is not a valid regular expression/],
    [{ check: 'data', path: '/x', jsonPath: 'mode' }, /simple JSONPath/],
    [{ check: 'data', path: '/x', regex: 'a', equals: 1 }, /equals needs jsonPath/],
    [{ check: 'data', path: '/x' }, /needs regex or jsonPath/],
    [{ check: 'watch-everything', path: '/x' }, /znodeRules\[0\]\.check/],
    [{ check: 'exists', path: '/x', typo: true }, /typo/],
    [{ check: 'open-acl', path: '/', maxDepth: 99 }, /maxDepth/],
  ])('%j → %s', (rule, message) => {
    const parsed = parseZnodeRules([rule]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join('\n')).toMatch(message);
  });

  it('caps the number of rules', () => {
    const parsed = parseZnodeRules(Array.from({ length: 51 }, (_, i) => ({ check: 'exists', path: `/p${i}` })), 'ensembles[0].znodeRules');
    expect(!parsed.ok && parsed.errors[0]).toMatch(/^ensembles\[0\]\.znodeRules: /);
  });
});
