import { describe, expect, it } from 'vitest';
import { SignalNames } from '../../functions/contract/signal-catalog.ts';
import { matchSilence, parseSilences, type Silence } from '../../functions/contract/silences.ts';
import {
  baselineAt,
  DEFAULT_THRESHOLDS,
  durationMs,
  parseThresholds,
  persistenceRounds,
  resolveThresholds,
  thresholdNotices,
  withEnsembleOverride,
} from '../../functions/contract/thresholds.ts';

function errorsOf(text: string) {
  const result = parseThresholds(text);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}

describe('thresholds document', () => {
  it('the defaults are a valid document naming every signal', () => {
    const result = parseThresholds(JSON.stringify(DEFAULT_THRESHOLDS));
    expect(result.ok).toBe(true);
    expect(Object.keys(DEFAULT_THRESHOLDS.signals).sort()).toEqual([...SignalNames].sort());
  });

  it('an empty object means all defaults', () => {
    const result = parseThresholds('{}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const resolved = resolveThresholds(result.value, 'prod');
    expect(resolved.warnAt).toBe(0.5);
    expect(resolved.repeatEveryMs).toBe(4 * 3_600_000);
    expect(resolved.signals['fd-use']).toEqual(DEFAULT_THRESHOLDS.signals['fd-use']);
  });

  it.each([
    ['invalid JSON', '{"warnAt": 0.5,', '$', /invalid JSON/],
    ['tau = 0', '{"signals":{"fd-use":{"tau":0}}}', 'signals.fd-use.tau', /tau must be > 0/],
    ['tau < 0', '{"signals":{"latency-avg":{"nu":10,"tau":-1}}}', 'signals.latency-avg.tau', /tau must be > 0/],
    ['NaN', '{"signals":{"fd-use":{"nu":NaN}}}', 'signals.fd-use.nu', /NaN is not a JSON number/],
    ['Infinity', '{"warnAt": Infinity}', 'warnAt', /Infinity is not a JSON number/],
    ['unknown signal', '{"signals":{"fd-usage":{"nu":0.9}}}', 'signals.fd-usage', /unknown signal "fd-usage"; known signals: read-latency-ms/],
    ['unknown setting', '{"warnat":0.5}', 'warnat', /unknown setting "warnat"/],
    ['wrong type', '{"forRounds":"3"}', 'forRounds', /^must be a number, not a string$/],
    ['wrong mode', '{"signals":{"fd-use":{"mode":"both"}}}', 'signals.fd-use.mode', /^must be one of "w", "p", "p\*w", "max", "off"$/],
    ['negative forRounds', '{"forRounds":-2}', 'forRounds', /^must be at least 1$/],
    ['fractional forRounds', '{"forRounds":1.5}', 'forRounds', /int/],
    ['clearAt above warnAt', '{"warnAt":0.4,"clearAt":0.6}', 'clearAt', /clearAt \(0.6\) must not be above warnAt \(0.4\)/],
    ['clearAt above an ensemble warnAt', '{"ensembles":{"prod":{"warnAt":0.2}}}', 'ensembles.prod.warnAt', /must not be above warnAt \(0.2\)/],
    ['bad duration', '{"repeatEvery":"4h"}', 'repeatEvery', /ISO 8601 duration/],
    ['warnAt above 1', '{"warnAt":1.5}', 'warnAt', /^must be at most 1$/],
    ['not an object', '[1,2]', '$', /^must be an object, not an array$/],
    ['bad link', '{"links":{"runbook":"wiki/zk"}}', 'links.runbook', /http\(s\) URL/],
    ['empty document', '  ', '$', /empty/],
  ])('%s gets an error at its path', (_name, text, path, reason) => {
    const errors = errorsOf(text);
    const match = errors.find((e) => e.path === path);
    expect(match, JSON.stringify(errors)).toBeDefined();
    expect(match?.message).toMatch(reason);
  });

  it('a 1 MB document is refused before parsing, naming the size and the limit', () => {
    const big = JSON.stringify({ description: 'x'.repeat(1024 * 1024) });
    const errors = errorsOf(big);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('$');
    expect(errors[0]?.message).toMatch(/is 1048\d+ bytes; the limit is 65536 bytes/);
  });

  it('reports every error at once', () => {
    const errors = errorsOf('{"forRounds":0,"signals":{"fd-use":{"tau":0},"nope":{}}}');
    expect(errors.map((e) => e.path).sort()).toEqual(['forRounds', 'signals.fd-use.tau', 'signals.nope']);
  });

  it('resolves per-ensemble overrides field by field and fills link templates', () => {
    const result = parseThresholds(
      JSON.stringify({
        forRounds: 2,
        signals: { 'fd-use': { nu: 0.9 } },
        links: { runbook: 'https://wiki.example/zk/{ensemble}' },
        ensembles: { 'prod-a': { forRounds: 5, signals: { 'fd-use': { tau: 0.02 } } } },
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const a = resolveThresholds(result.value, 'prod-a');
    const b = resolveThresholds(result.value, 'prod-b');
    expect(a.forRounds).toBe(5);
    expect(a.signals['fd-use']).toMatchObject({ nu: 0.9, tau: 0.02, mode: 'w' });
    expect(b.forRounds).toBe(2);
    expect(b.signals['fd-use']).toMatchObject({ nu: 0.9, tau: 0.04 });
    expect(a.links.runbook).toBe('https://wiki.example/zk/prod-a');
  });

  it('an ensemble parameter overrides the stage document and is checked with it', () => {
    const base = parseThresholds('{"warnAt":0.6,"ensembles":{"prod":{"forRounds":4}}}');
    expect(base.ok).toBe(true);
    if (!base.ok) return;
    const merged = withEnsembleOverride(base.value, 'prod', '{"clearAt":0.2}');
    expect(merged.ok).toBe(true);
    if (merged.ok) expect(resolveThresholds(merged.value, 'prod')).toMatchObject({ warnAt: 0.6, clearAt: 0.2, forRounds: 4 });
    const bad = withEnsembleOverride(base.value, 'prod', '{"clearAt":0.7}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ path: 'ensembles.prod.clearAt' });
  });

  it('reads ISO 8601 durations', () => {
    expect(durationMs('PT4H')).toBe(14_400_000);
    expect(durationMs('P1DT30M')).toBe(88_200_000);
    expect(durationMs('PT0S')).toBe(0);
    expect(durationMs('PT1.5S')).toBe(1500);
  });
});

describe('silences document', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  const silence = (s: Partial<Silence>): Silence => ({ ensemble: 'prod', until: '2030-01-01T13:00:00Z', reason: 'maintenance', ...s });

  it('accepts a valid list', () => {
    const result = parseSilences(JSON.stringify([silence({ server: '10.0.0.1:2181', alertName: 'server-down', createdBy: 'ann' })]));
    expect(result.ok).toBe(true);
  });

  it.each([
    ['not a list', '{"ensemble":"prod"}', '$', /^must be an array, not an object$/],
    ['missing reason', '[{"ensemble":"prod","until":"2030-01-01T13:00:00Z"}]', '[0].reason', /^is required \(a string\)$/],
    ['bad time', '[{"ensemble":"prod","until":"tomorrow","reason":"x"}]', '[0].until', /ISO 8601 time with a zone/],
    ['time without zone', '[{"ensemble":"prod","until":"2030-01-01T13:00:00","reason":"x"}]', '[0].until', /ISO 8601/],
    ['unknown alert', '[{"ensemble":"prod","until":"2030-01-01T13:00:00Z","reason":"x","alertName":"disk"}]', '[0].alertName', /^must be one of "server-down", /],
    ['unknown field', '[{"ensemble":"prod","until":"2030-01-01T13:00:00Z","reason":"x","host":"a"}]', '[0].host', /unknown silence field "host"/],
    ['invalid JSON', '[{"ensemble":', '$', /invalid JSON/],
  ])('%s gets an error at its path', (_name, text, path, reason) => {
    const result = parseSilences(text);
    expect(result.ok).toBe(false);
    const match = result.ok ? undefined : result.errors.find((e) => e.path === path);
    expect(match, JSON.stringify(result)).toBeDefined();
    expect(match?.message).toMatch(reason);
  });

  it('matches by ensemble, alert, server and driving signals while in force', () => {
    const rules = [silence({ alertName: 'server-down', server: '10.0.0.1:2181' }), silence({ ensemble: '*', signal: 'fd-use' })];
    const target = { ensembleName: 'prod', alertName: 'server-down' as const, server: '10.0.0.1:2181' };
    expect(matchSilence(rules, target, now)).toBe(rules[0]);
    expect(matchSilence(rules, { ...target, server: '10.0.0.2:2181' }, now)).toBeUndefined();
    expect(matchSilence(rules, target, new Date('2030-01-01T13:00:00Z'))).toBeUndefined();
    const warning = { ensembleName: 'other', alertName: 'early-warning' as const };
    expect(matchSilence(rules, { ...warning, signals: [{ signal: 'fd-use', server: 'a' }] }, now)).toBe(rules[1]);
    expect(matchSilence(rules, { ...warning, signals: [{ signal: 'fd-use' }, { signal: 'latency-avg' }] }, now)).toBeUndefined();
  });
});

describe('durations, and old round-count settings', () => {
  it('defaults are durations: persistence 120 s is 3 rounds at 1 min and 13 at 10 s', () => {
    const t = resolveThresholds({}, 'prod');
    expect(t).toMatchObject({ forSeconds: 120, minFiringMs: 600_000, baseline: { timeConstantMinutes: 60, warmupMinutes: 60 }, notices: [] });
    expect(persistenceRounds(t, 60_000)).toBe(3);
    expect(persistenceRounds(t, 10_000)).toBe(13);
    expect(baselineAt(t, 10_000)).toEqual({ timeConstantS: 3600, warmupS: 3600 });
  });

  it('forRounds, alpha and warmupRounds are read as round counts at the ensemble cadence, with a notice each', () => {
    const parsed = parseThresholds('{"forRounds":4,"baseline":{"alpha":0.05,"warmupRounds":30}}');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const t = resolveThresholds(parsed.value, 'prod');
    expect(persistenceRounds(t, 10_000)).toBe(4);
    expect(baselineAt(t, 60_000).timeConstantS).toBeCloseTo(60 / -Math.log(0.95), 6);
    expect(baselineAt(t, 10_000).warmupS).toBe(300);
    expect(thresholdNotices(parsed.value)).toEqual([
      expect.stringMatching(/^forRounds 4 is a round count: read as 3 round intervals .*write "forSeconds" instead$/),
      expect.stringMatching(/^baseline\.alpha 0\.05 is a per-round weight: read as a time constant of 19\.5 min at 1-minute rounds/),
      expect.stringMatching(/^baseline\.warmupRounds 30 is a round count/),
    ]);
  });

  it('forSeconds wins over forRounds, and then nothing needs saying about it', () => {
    const t = resolveThresholds({ forSeconds: 300, forRounds: 2 }, 'prod');
    expect(persistenceRounds(t, 60_000)).toBe(6);
    expect(t.notices).toEqual([]);
  });
});
