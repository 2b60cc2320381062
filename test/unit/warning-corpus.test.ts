/**
 * The early-warning acceptance, from the stored scenario corpus (test/fixtures/scenarios,
 * made from the real 3.8.0 replies by bench/warning-scenarios.ts) replayed through the
 * real evaluator with the default thresholds: the same numbers `npm run bench:warning`
 * prints.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayScenario, type ScenarioScore } from '../../bench/warning-replay.ts';
import { corpusFile, encodeCorpus, generateScenario, readCorpus, SCENARIOS } from '../../bench/warning-scenarios.ts';
import { persistenceRounds, resolveThresholds, DEFAULT_THRESHOLDS } from '../../functions/contract/thresholds.ts';

const scores = new Map<string, ScenarioScore>();
const score = (name: string) => scores.get(name) as ScenarioScore;
const scenario = (name: string) => SCENARIOS.find((s) => s.name === name)!;

beforeAll(() => {
  for (const s of SCENARIOS) scores.set(s.name, replayScenario(s, readCorpus(s.name)));
}, 120_000);

describe('the stored corpus is what the generator makes from the recorded replies', () => {
  it.each(['fd-leak', 'client-ip-leak', 'many-ips', 'reply-time-creep', 'second-cause'])('%s regenerates byte for byte', (name) => {
    expect(encodeCorpus(generateScenario(scenario(name))).equals(readFileSync(corpusFile(name)))).toBe(true);
  });

  it('the noisy week regenerates identically, every time (first 400 rounds; its clients wander, so the generator state resets)', () => {
    const stored = readCorpus('noisy-week').slice(0, 400);
    expect(generateScenario({ ...scenario('noisy-week'), rounds: 400 })).toEqual(stored);
    expect(generateScenario({ ...scenario('noisy-week'), rounds: 400 })).toEqual(stored);
  });

  it('rounds are real parsed rounds: per-interval counters, per-IP clients and the probe reply time are in the stored form', () => {
    const [first] = readCorpus('client-ip-leak');
    const server = first!.servers[0]!;
    expect(server.metrics).toMatchObject({ zk_cnt_readlatency: expect.any(Number), zk_sum_readlatency: expect.any(Number), zk_connection_rejected: 0 });
    expect(server.clients?.top[0]).toMatchObject({ count: expect.any(Number) });
    expect(server.conf).toEqual({ maxClientCnxns: '60' });
    expect(server.summary.latency?.avg).toBeCloseTo(1, 1);
  });
});

describe('warnings that come in time', () => {
  it('fd leak 20/min from 100 to 1024 at 1-min rounds: a warning ≥ 25 min before exhaustion, hours left within ±30 %', () => {
    const s = score('fd-leak');
    expect(s.first?.alertKey).toBe('early-warning:fd-exhaustion-hours:zk2:2181');
    expect(s.first?.leadMinutes).toBeGreaterThanOrEqual(25);
    const said = s.first?.saidHours as number;
    const truth = s.first?.trueHours as number;
    expect(Math.abs(said - truth) / truth).toBeLessThanOrEqual(0.3);
    expect(s.first?.summary).toMatch(/^fds \d+\/1,024 on zk2:2181, \+\d+\/min, full at ~\d\d:\d\d UTC \(in \d+ min;/);
    expect(s.falseWarnings).toEqual([]);
  });

  it('one client IP leaking a session every 30 s toward maxClientCnxns 60: a warning naming it with ≥ 50 % of the runway left, an alarm once refusals begin', () => {
    const s = score('client-ip-leak');
    const leakStart = 180;
    const runway = (scenario('client-ip-leak').truth.limitRound as number) - leakStart;
    expect(s.first?.alertKey).toBe('early-warning:client-ip-exhaustion-hours:zk1:2181');
    expect(s.first?.summary).toContain('10.9.0.7');
    expect(s.first?.leadMinutes).toBeGreaterThanOrEqual(0.5 * runway);
    const alarm = s.transitions.find((t) => t.alertName === 'clients-rejected' && t.change === 'fired');
    expect(alarm?.server).toBe('zk1:2181');
    expect(alarm?.summary).toContain('busiest client 10.9.0.7 with 60 connections');
    const firstRefusal = readCorpus('client-ip-leak').find((r) => Number(r.servers[0]!.metrics.zk_connection_rejected) > 0);
    expect(alarm?.roundId).toBe(firstRefusal?.roundId);
    expect(s.falseWarnings).toEqual([]);
  });

  it('45 connections from 45 IPs: nothing', () => {
    const s = score('many-ips');
    expect(s.warnings).toEqual([]);
    expect(s.alarms).toEqual([]);
  });

  it('zxid counter at 1,000 writes/s: a warning ≥ 24 h before rollover', () => {
    const s = score('zxid-rollover');
    expect(s.first?.alertKey).toBe('early-warning:zxid-rollover-hours');
    expect(s.first?.leadMinutes).toBeGreaterThanOrEqual(24 * 60);
    expect(s.falseWarnings).toEqual([]);
  });

  it('read latency creeping 2 → 200 ms over 2 h while zk_avg_latency stays ~1 ms: a warning before the creep reaches ν', () => {
    const s = score('read-latency-creep');
    expect(s.first?.alertKey).toBe('early-warning:read-latency-ms:zk3:2181');
    expect(s.first?.leadMinutes).toBeGreaterThan(0);
    const last = readCorpus('read-latency-creep').at(-1)!;
    expect(last.servers[2]!.summary.latency?.avg).toBeLessThan(1.5);
    expect(s.falseWarnings).toEqual([]);
  });

  it("one server's probe reply time creeping 1 → 400 ms over 30 min with calm counters: a warning naming that server", () => {
    const s = score('reply-time-creep');
    expect(s.first?.alertKey).toBe('early-warning:reply-time-excess-ms:zk2:2181');
    expect(s.first?.summary).toContain('on zk2:2181');
    expect(s.falseWarnings).toEqual([]);
  });

  it('zk_max_latency stepping to 2,400 ms once and staying: at most one episode, and it resolves', () => {
    const s = score('max-latency-step');
    expect(s.warnings.length).toBeLessThanOrEqual(1);
    for (const w of s.warnings) expect(w.resolvedAt).toBeDefined();
  });

  it('while one warning fires, a second cause starts: it is notified within forRounds of its own rounds', () => {
    const s = score('second-cause');
    const key = 'early-warning:jvm-pause-ms-per-min:zk3:2181';
    const forRounds = persistenceRounds(resolveThresholds(DEFAULT_THRESHOLDS, 'second-cause'), 60_000);
    const firstNotified = Math.min(...Object.values(s.notifiedAt));
    expect(s.raisedAt[key]).toBeGreaterThan(firstNotified);
    expect(s.notifiedAt[key]! - s.raisedAt[key]! + 1).toBeLessThanOrEqual(forRounds);
    expect(s.falseWarnings).toEqual([]);
  });
});

describe('warnings that must not come', () => {
  it('seven noisy healthy days: zero warnings (the restart alarms are real)', () => {
    const s = score('noisy-week');
    expect(s.rounds).toBe(7 * 1440);
    expect(s.warnings).toEqual([]);
    expect([...new Set(s.alarms.map((a) => a.alertName))]).toEqual(['server-down']);
  });

  it('every scenario: no warning that should not have fired', () => {
    for (const s of scores.values()) expect({ name: s.name, falseWarnings: s.falseWarnings }).toEqual({ name: s.name, falseWarnings: [] });
  });
});

describe('the state item', () => {
  it('stays under 4 KB for a 3-server ensemble with the 6-h forecast windows, in every scenario', () => {
    for (const s of scores.values()) expect({ name: s.name, bytes: s.maxStateBytes }).toEqual({ name: s.name, bytes: expect.toSatisfy((b: number) => b <= 4096) });
  });
});

describe('durations mean the same at another cadence', () => {
  it('the fd leak at 10-second rounds: the same defaults warn ≥ 25 min ahead, hours left within ±30 %, nothing else', () => {
    const base = scenario('fd-leak');
    const perMinute = 6;
    const fast = {
      ...base,
      intervalMs: 10_000,
      rounds: base.rounds * perMinute,
      truth: { ...base.truth, limitRound: (base.truth.limitRound as number) * perMinute },
      // The same minute-by-minute degradation, probed six times a minute (a sixth of the reads each time).
      tick: (i: number, s: number, r: () => number) => {
        const t = base.tick(Math.floor(i / perMinute), s, r);
        return { ...t, reads: Math.round(t.reads / perMinute), writes: Math.round(t.writes / perMinute), jvmPauseMs: Math.round(t.jvmPauseMs / perMinute) };
      },
    };
    const s = replayScenario(fast, generateScenario(fast));
    expect(s.first?.alertKey).toBe('early-warning:fd-exhaustion-hours:zk2:2181');
    expect(s.first?.leadMinutes).toBeGreaterThanOrEqual(25);
    expect(Math.abs((s.first?.saidHours as number) - (s.first?.trueHours as number)) / (s.first?.trueHours as number)).toBeLessThanOrEqual(0.3);
    expect(s.falseWarnings).toEqual([]);
    console.log(`fd leak at 10-s rounds: warned ${s.first?.leadMinutes} min ahead, said ${s.first?.saidHours} h left of ${s.first?.trueHours?.toFixed(3)} h`);
  }, 60_000);
});
