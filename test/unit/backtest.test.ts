/**
 * Backtesting on REAL rounds recorded by scripts/record-rounds.ts (a 3-server ensemble:
 * a paused follower, a killed leader, two servers stopped). The fault timeline recorded
 * next to the rounds says which servers each fault hit and when.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareEpisodes } from '../../functions/core/evaluate/compare-replays.ts';
import { episodesOf, replayRounds, type AlertEpisode } from '../../functions/core/evaluate/replay.ts';
import type { ThresholdsDocument } from '../../functions/contract/thresholds.ts';
import { PROBE_ROUND_VERSION } from '../../functions/contract/probe-round.ts';
import { formatRoundLine, parseRoundLine } from '../../functions/core/probe/round-lines.ts';
import { backtestReport } from '../../functions/core/report/backtest-report.ts';
import { formatComparison } from '../../cli/format-backtest.ts';
import type { FaultMark } from '../../scripts/record-rounds.ts';

const FIXTURE = new URL('../fixtures/rounds/fault-script.jsonl', import.meta.url);
const lines = readFileSync(FIXTURE, 'utf8').trim().split('\n');
const rounds = lines.map((text, i) => parseRoundLine(text, i + 1).round);
const faults = JSON.parse(readFileSync(new URL('../fixtures/rounds/fault-script.faults.json', import.meta.url), 'utf8')) as FaultMark[];
const fault = (name: FaultMark['fault']) => faults.find((f) => f.fault === name) as FaultMark;
const ms = (iso: string) => Date.parse(iso);

/**
 * A stricter document: an average latency of 1 ms already counts as risky, one round is
 * enough. latency-avg (the lifetime average) is off by default now, so the document turns
 * it on explicitly.
 */
const STRICT: ThresholdsDocument = { forRounds: 1, signals: { 'latency-avg': { nu: 1, tau: 0.2, mode: 'w' } } };

function within(e: AlertEpisode, mark: FaultMark, slackMs = 3000) {
  expect(ms(e.firedAt)).toBeGreaterThanOrEqual(ms(mark.at));
  expect(ms(e.firedAt)).toBeLessThanOrEqual(ms(mark.restoredAt));
  expect(e.resolvedAt).toBeDefined();
  expect(ms(e.resolvedAt as string)).toBeGreaterThan(ms(mark.restoredAt));
  expect(ms(e.resolvedAt as string)).toBeLessThan(ms(mark.restoredAt) + slackMs);
}

describe('the recorded fixture', () => {
  it('is real rounds of the fault script, small enough to commit', () => {
    expect(readFileSync(FIXTURE).length).toBeLessThan(300 * 1024);
    expect(rounds.length).toBeGreaterThan(50);
    expect(new Set(rounds.map((r) => r.ensembleName))).toEqual(new Set(['fault-script']));
    expect(rounds.every((r) => r.version === PROBE_ROUND_VERSION)).toBe(true);
    expect(faults.map((f) => f.fault)).toEqual(['pause-follower', 'kill-leader', 'lose-quorum']);
  });
});

describe('replayRounds on the fixture (default thresholds)', () => {
  const [replay] = replayRounds([...rounds].reverse(), { thresholds: {} });
  const episodes = replay?.episodes ?? [];
  const of = (key: string) => episodes.filter((e) => e.alertKey === key);

  it('replays every round in time order, whatever order they came in', () => {
    expect(replay?.rounds).toBe(rounds.length);
    const times = replay?.probability.map(([t]) => t) ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times).toHaveLength(rounds.length);
  });

  it('fires server-down for the paused follower while it is paused, notified, and resolves it after the resume', () => {
    const paused = fault('pause-follower');
    const [down] = of(`server-down:${paused.servers[0]}`).filter((e) => ms(e.firedAt) < ms(paused.restoredAt));
    expect(down).toMatchObject({ alertName: 'server-down', level: 'alarm', notified: true, server: paused.servers[0] });
    within(down as AlertEpisode, paused);
  });

  it('fires quorum-lost when two servers stop and resolves it after the restart; their server-down alarms are inhibited', () => {
    const lost = fault('lose-quorum');
    const [quorum] = of('quorum-lost').filter((e) => ms(e.firedAt) >= ms(lost.at));
    expect(quorum).toMatchObject({ level: 'alarm', notified: true });
    within(quorum as AlertEpisode, lost);
    for (const server of lost.servers) {
      const [down] = of(`server-down:${server}`).filter((e) => ms(e.firedAt) >= ms(lost.at));
      expect(down).toMatchObject({ notified: false, inhibitedBy: 'quorum-lost' });
    }
  });

  it('fires server-down for the killed leader and resolves it once it serves again', () => {
    const killed = fault('kill-leader');
    const [down] = of(`server-down:${killed.servers[0]}`).filter((e) => ms(e.firedAt) >= ms(killed.at) && ms(e.firedAt) < ms(fault('lose-quorum').at));
    within(down as AlertEpisode, killed);
  });

  it('leaves nothing firing at the end and raises no early warning with the defaults', () => {
    expect(episodes.filter((e) => e.resolvedAt === undefined)).toEqual([]);
    expect(of('early-warning')).toEqual([]);
  });

  it('charts the probability per round and the top driving signals with their thresholds', () => {
    expect(replay?.signals.length).toBeGreaterThan(0);
    for (const s of replay?.signals ?? []) {
      expect(s.points.length).toBeGreaterThan(10);
      expect(Number.isFinite(s.nu)).toBe(true);
    }
    expect(replay?.probability.every(([, p]) => p >= 0 && p <= 1)).toBe(true);
  });
});

describe('comparing two threshold documents on the fixture', () => {
  const a = replayRounds(rounds, { thresholds: {} }).flatMap((r) => r.episodes);
  const b = replayRounds(rounds, { thresholds: STRICT }).flatMap((r) => r.episodes);
  const diff = compareEpisodes(a, b);

  it('shows early warnings only with the stricter latency threshold, and every alarm the same', () => {
    expect(diff.onlyInA).toEqual([]);
    expect(diff.onlyInB.length).toBeGreaterThan(0);
    expect(diff.onlyInB.every((e) => e.alertName === 'early-warning')).toBe(true);
    expect(diff.onlyInB.some((e) => e.alertKey.startsWith('early-warning:latency-avg:'))).toBe(true);
    expect(diff.same).toBe(a.length);
    expect(formatComparison(diff, 'defaults', 'strict')).toMatch(/only with strict: \S+ {2}warning early-warning/);
  });

  it('names the latency signal in what drove the strict warning', () => {
    const [replay] = replayRounds(rounds, { thresholds: STRICT });
    const fired = replay?.transitions.find((t) => t.alertName === 'early-warning' && t.change === 'fired');
    expect(fired?.signals.some((s) => s.signal === 'latency-avg' && s.nu === 1)).toBe(true);
  });

  it('reports a different firing time when only the timing differs', () => {
    const slow = replayRounds(rounds, { thresholds: { ...STRICT, forRounds: 3 } }).flatMap((r) => r.episodes);
    const timing = compareEpisodes(b, slow);
    const first = timing.differentTiming.find((d) => d.a.alertName === 'early-warning');
    expect(first?.firedDeltaMs).toBeGreaterThan(0);
  });
});

describe('silences in a backtest', () => {
  it('marks alerts a silence would have held back, at the round time', () => {
    const paused = fault('pause-follower');
    const silence = { id: 'mute-1', ensemble: 'fault-script', server: paused.servers[0] as string, until: '2999-01-01T00:00:00Z', reason: 'maintenance' };
    const [replay] = replayRounds(rounds, { thresholds: {}, silences: [silence] });
    const down = replay?.episodes.filter((e) => e.alertKey === `server-down:${paused.servers[0]}`) ?? [];
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((e) => !e.notified && e.silencedBy === 'mute-1')).toBe(true);
  });

  it('a silence that had expired by then holds nothing back', () => {
    const silence = { ensemble: '*', until: new Date(ms(rounds[0]?.startedAt as string) - 1000).toISOString(), reason: 'old' };
    const [replay] = replayRounds(rounds, { thresholds: {}, silences: [silence] });
    expect(replay?.episodes.some((e) => e.silencedBy !== undefined)).toBe(false);
  });
});

describe('episodesOf', () => {
  it('a notified fired after a suppressed one marks the same episode as notified', () => {
    const base = { version: 1 as const, ensembleName: 'e', alertKey: 'quorum-lost', alertName: 'quorum-lost' as const, level: 'alarm' as const, summary: 's', since: '2030-01-01T00:00:00.000Z', roundId: 'r', signals: [] };
    const episodes = episodesOf([
      { ...base, change: 'fired', at: '2030-01-01T00:00:00.000Z', notify: false, silencedBy: 'x' },
      { ...base, change: 'fired', at: '2030-01-01T00:01:00.000Z', notify: true },
      { ...base, change: 'resolved', at: '2030-01-01T00:02:00.000Z', notify: true },
    ]);
    expect(episodes).toEqual([expect.objectContaining({ notified: true, notifiedAt: '2030-01-01T00:01:00.000Z', resolvedAt: '2030-01-01T00:02:00.000Z', silencedBy: 'x' })]);
  });
});

describe('round lines', () => {
  const good = lines[0] as string;

  it('round-trips a line', () => {
    const parsed = parseRoundLine(good, 1);
    expect(parseRoundLine(formatRoundLine(parsed), 1)).toEqual(parsed);
  });

  it.each([
    ['not json', '{"scheduledAt":', /^line 7: not JSON/],
    ['no scheduledAt', JSON.stringify({ round: {} }), /^line 7: scheduledAt: expected an ISO time/],
    ['unknown version', JSON.stringify({ scheduledAt: '2030-01-01T00:00:00Z', round: { ...JSON.parse(good).round, version: 99 } }), /^line 7: round: round version 99/],
    ['no servers', JSON.stringify({ scheduledAt: '2030-01-01T00:00:00Z', round: { ...JSON.parse(good).round, servers: null } }), /^line 7: round.servers: expected an array/],
  ])('names the line and the problem: %s', (_name, text, message) => {
    expect(() => parseRoundLine(text, 7)).toThrow(message);
  });
});

describe('backtestReport', () => {
  it('escapes every name it shows: a hostile ensemble name stays text', () => {
    const hostile = `x"><script>alert(1)</script>`;
    const renamed = rounds.slice(0, 20).map((r) => ({ ...r, ensembleName: hostile }));
    const html = backtestReport({ source: '<rounds & more>', generatedAt: new Date(0), a: { label: `a'<b>`, replays: replayRounds(renamed, { thresholds: {} }) } });
    expect(html).not.toContain('<script');
    expect(html).not.toContain("a'<b>");
    expect(html).toContain('a&#39;&lt;b&gt;');
    expect(html).toContain('x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;rounds &amp; more&gt;');
    expect(html).toMatch(/<polyline class="series" data-points="20"/);
  });
});
