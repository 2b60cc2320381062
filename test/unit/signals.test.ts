import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baselineParams, learn } from '../../functions/core/evaluate/baseline.ts';
import { initialState, MAX_ELECTIONS, type EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { appendPacked, packSeries, unpackSeries, type Series } from '../../functions/contract/packed-series.ts';
import { leastSquares, robustLine, timeToLimit } from '../../functions/core/evaluate/forecast.ts';
import { extractSignals, fdFraction, ZXID_COUNTER_LIMIT, type SignalExtraction } from '../../functions/core/evaluate/signals.ts';
import { DEFAULT_FORECAST } from '../../functions/contract/thresholds.ts';
import type { MetricValue, ProbeRound } from '../../functions/contract/probe-round.ts';
import { minutes, roundOf, server, trioRound, TRIO } from '../support/probe-rounds.ts';
import { samplesOf, seriesOf, type Sample } from '../support/samples.ts';

const T0 = new Date('2030-01-01T00:00:00Z');
const t0 = T0.getTime() / 1000;

/** Rounds one minute apart through extractSignals, state carried as evaluateRound carries it. */
function run(rounds: ProbeRound[]): SignalExtraction[] {
  let state: Pick<EnsembleState, 'mem' | 'elections' | 'lastEpoch'> = initialState('prod');
  return rounds.map((round) => {
    const out = extractSignals(round, state, Date.parse(round.startedAt));
    state = { mem: out.mem, elections: out.elections, ...(out.lastEpoch !== undefined ? { lastEpoch: out.lastEpoch } : {}) };
    return out;
  });
}
const valueOf = (out: SignalExtraction | undefined, signal: string, at?: string) => out?.values.find((v) => v.signal === signal && v.server === at)?.value;
const oneServer = (i: number, metrics: Record<string, MetricValue>, durationMs = 3) =>
  roundOf(`r${i}`, minutes(T0, i), [{ ...server(TRIO[0], { mode: 'leader', metrics }), durationMs }]);

describe('per-interval values from cumulative counters', () => {
  it('read latency is Δsum/Δcnt of the interval, not the lifetime average', () => {
    // 1000 reads a minute at 7 ms while the lifetime average (zk_avg_latency) says 0.5 ms.
    const outs = run(Array.from({ length: 8 }, (_, i) => oneServer(i, { zk_sum_readlatency: 7000 * i, zk_cnt_readlatency: 1000 * i, zk_avg_latency: 0.5 })));
    expect(valueOf(outs[0], 'read-latency-ms', TRIO[0])).toBeUndefined();
    expect(valueOf(outs.at(-1), 'read-latency-ms', TRIO[0])).toBeCloseTo(7, 6);
    expect(valueOf(outs.at(-1), 'latency-avg', TRIO[0])).toBe(0.5);
  });

  it('an interval with only a handful of requests gives no latency sample (one slow read among five is no average)', () => {
    const quiet = run(Array.from({ length: 8 }, (_, i) => oneServer(i, { zk_sum_readlatency: 300 * i, zk_cnt_readlatency: 5 * i })));
    expect(quiet.some((o) => valueOf(o, 'read-latency-ms', TRIO[0]) !== undefined)).toBe(false);
  });

  it('a counter reset (restart, srst) skips the interval instead of giving a negative or huge value', () => {
    const metrics = (i: number) => (i < 5 ? { zk_sum_jvm_pause_time_ms: 100 * i, zk_uptime: 600_000 + i * 60_000 } : { zk_sum_jvm_pause_time_ms: 100 * (i - 5), zk_uptime: (i - 5) * 60_000 });
    const outs = run(Array.from({ length: 8 }, (_, i) => oneServer(i, metrics(i))));
    expect(outs.map((o) => valueOf(o, 'jvm-pause-ms-per-min', TRIO[0]))).toEqual([undefined, 100, 100, 100, 100, undefined, 100, 100]);
  });

  it('fsync threshold exceeds per minute from the counter delta', () => {
    const outs = run([0, 1, 2].map((i) => oneServer(i, { zk_fsync_threshold_exceed_count: [10, 13, 13][i] as number })));
    expect(outs.map((o) => valueOf(o, 'fsync-exceed-per-min', TRIO[0]))).toEqual([undefined, 3, 0]);
  });

  it('one slow interval hardly moves the robust latency line; a steady creep is projected ahead', () => {
    const spiky = run(Array.from({ length: 12 }, (_, i) => oneServer(i, { zk_sum_readlatency: 2000 * i + (i >= 11 ? 500_000 : 0), zk_cnt_readlatency: 1000 * i })));
    expect(valueOf(spiky.at(-1), 'read-latency-ms', TRIO[0])).toBeLessThan(5);
    // +1 ms per minute: the value is the line 10 min ahead.
    let sum = 0;
    const creeping = run(Array.from({ length: 12 }, (_, i) => oneServer(i, { zk_sum_readlatency: (sum += 1000 * (2 + i)), zk_cnt_readlatency: 1000 * (i + 1) })));
    expect(valueOf(creeping.at(-1), 'read-latency-ms', TRIO[0])).toBeCloseTo(2 + 11 + 10, 0);
  });
});

describe("the probe's own reply time", () => {
  const roundWith = (i: number, ms: [number, number, number]) => {
    const round = trioRound(`r${i}`, minutes(T0, i));
    round.servers.forEach((s, n) => (s.durationMs = ms[n] ?? 0));
    return round;
  };

  it('is judged against the serving peers, as the median of the last rounds', () => {
    const outs = run([roundWith(0, [300, 2, 4]), roundWith(1, [300, 2, 4]), roundWith(2, [300, 2, 4])]);
    expect(valueOf(outs[1], 'reply-time-excess-ms', TRIO[0])).toBeUndefined();
    expect(valueOf(outs[2], 'reply-time-excess-ms', TRIO[0])).toBe(297);
    expect(valueOf(outs[2], 'reply-time-excess-ms', TRIO[1])).toBe(-150);
  });

  it('a server listed twice, once not answering, leaves the last state as it was (its memory is carried over, not written in place)', () => {
    const twice = (i: number) => roundOf(`r${i}`, minutes(T0, i), [server(TRIO[0], { mode: 'leader' }), server(TRIO[1]), server(TRIO[0], { mode: 'unreachable' })]);
    const [first] = run([twice(0)]);
    const previous = { mem: first!.mem, elections: first!.elections };
    const kept = structuredClone(previous);
    const next = extractSignals(twice(1), previous, Date.parse(minutes(T0, 1).toISOString()));
    expect(previous).toEqual(kept);
    expect(unpackSeries(next.mem[TRIO[0]]?.s?.x).times).toHaveLength(unpackSeries(previous.mem[TRIO[0]]?.s?.x).times.length + 1);
  });

  it('one delayed reply (a GC pause) is not a trend; a server that stays slow is', () => {
    const outs = run([3, 3, 3, 2500, 3, 3, 400, 400, 400].map((ms, i) => roundWith(i, [ms, 3, 3])));
    expect(outs.map((o) => valueOf(o, 'reply-time-excess-ms', TRIO[0]))).toEqual([undefined, undefined, 0, 0, 0, 0, 0, 397, 397]);
  });
});

describe('connections per client IP', () => {
  const withClients = (round: ProbeRound, count: number, limit = '60') => {
    const s = round.servers[0]!;
    s.conf = { maxClientCnxns: limit };
    s.clients = { total: count + 5, ips: 6, top: [{ ip: '10.9.0.7', count }, { ip: '10.1.1.1', count: 1 }] };
    return round;
  };

  it('the busiest IP against maxClientCnxns, naming the IP; nothing when unlimited or without cons', () => {
    const [out] = run([withClients(trioRound('r', T0), 30)]);
    expect(out?.values.find((v) => v.signal === 'client-ip-use')).toEqual({ signal: 'client-ip-use', server: TRIO[0], value: 0.5, subject: '10.9.0.7' });
    expect(run([withClients(trioRound('r', T0), 30, '0')])[0]?.values.some((v) => v.signal === 'client-ip-use')).toBe(false);
    expect(run([trioRound('r', T0, undefined, [{ conf: { maxClientCnxns: '60' }, connections: 59 }])])[0]?.values.some((v) => v.signal.startsWith('client-ip'))).toBe(false);
  });

  it('total connections are only a value for an operator budget, never against maxClientCnxns', () => {
    const [out] = run([trioRound('r', T0, undefined, [{ conf: { maxClientCnxns: '60' }, connections: 59 }])]);
    expect(valueOf(out, 'connections-total', TRIO[0])).toBe(59);
  });

  it('a leaking IP is forecast to reach the limit', () => {
    const outs = run(Array.from({ length: 12 }, (_, i) => withClients(trioRound(`r${i}`, minutes(T0, i)), 2 + 2 * i)));
    const forecast = outs.at(-1)?.values.find((v) => v.signal === 'client-ip-exhaustion-hours');
    expect(forecast).toMatchObject({ server: TRIO[0], subject: '10.9.0.7', forecast: { tier: 'short', limit: 60 } });
    // 24 now, +2/min: 18 min to 60.
    expect(forecast?.value).toBeCloseTo(18 / 60, 2);
  });
});

describe('forecasts', () => {
  const line = (minutesList: number[], f: (m: number) => number): Series => seriesOf(minutesList.map((m) => [t0 + m * 60, f(m)]));
  const none = seriesOf([]);
  const range = (n: number, step = 1) => Array.from({ length: n }, (_, i) => i * step);

  it('least squares reads the fitted line at now, with its slope per hour and R²', () => {
    const fit = leastSquares(line(range(10), (m) => 100 + 2 * m), t0 + 9 * 60, 15 * 60);
    expect(fit).toMatchObject({ slope: expect.closeTo(120, 6), value: expect.closeTo(118, 6), r2: expect.closeTo(1, 9) });
    expect(leastSquares(line([0, 1], (m) => m), t0 + 60, 15 * 60)).toBeUndefined();
  });

  it('the short tier needs a line that fits: a step (clients moving over from a restarted peer) is not a trend', () => {
    const step = line(range(15), (m) => (m < 8 ? 400 : 530));
    expect(leastSquares(step, t0 + 14 * 60, 15 * 60)?.r2).toBeLessThan(0.9);
    expect(timeToLimit(none, step, t0 + 14 * 60, 1024, DEFAULT_FORECAST)).toBeUndefined();
    const leak = line(range(15), (m) => 100 + 20 * m);
    expect(timeToLimit(none, leak, t0 + 14 * 60, 1024, DEFAULT_FORECAST)).toMatchObject({ tier: 'short', hours: expect.closeTo((1024 - 380) / 1200, 6) });
  });

  it('the long tier speaks only past the level gate: a daily cycle below 60 % never forecasts doom', () => {
    const rising = line(range(25, 15), (m) => 300 + m / 3); // +20/h for 6 h, at 420 of 1024
    expect(timeToLimit(rising, none, t0 + 360 * 60, 1024, DEFAULT_FORECAST)).toBeUndefined();
    const high = line(range(25, 15), (m) => 700 + m / 3);
    expect(timeToLimit(high, none, t0 + 360 * 60, 1024, DEFAULT_FORECAST)).toMatchObject({ tier: 'long', hours: expect.closeTo((1024 - 820) / 20, 6) });
  });

  it('either tier speaks only while the rise goes on: fds that stepped up past the gate and stayed are not heading for the limit', () => {
    const stepped = line(range(25, 15), (m) => (m < 150 ? 500 : 720)); // +220 fds 3.5 h ago, flat since
    expect(leastSquares(stepped, t0 + 360 * 60, 360 * 60)?.value).toBeGreaterThan(0.6 * 1024);
    expect(timeToLimit(stepped, none, t0 + 360 * 60, 1024, DEFAULT_FORECAST)).toBeUndefined();
    const stillLeaking = line(range(25, 15), (m) => 600 + m / 2);
    expect(timeToLimit(stillLeaking, none, t0 + 360 * 60, 1024, DEFAULT_FORECAST)?.tier).toBe('long');
  });

  it('Theil–Sen ignores one outlier that drags least squares', () => {
    const samples = line(range(10), (m) => (m === 9 ? 500 : 2));
    expect(robustLine(samples, t0 + 540, 600)?.value).toBeCloseTo(2, 9);
    expect(leastSquares(samples, t0 + 540, 600)?.value).toBeGreaterThan(50);
  });

  it('forecasts fd exhaustion per server from the rounds', () => {
    const outs = run(Array.from({ length: 16 }, (_, i) => oneServer(i, { zk_open_file_descriptor_count: 1000 + 100 * i, zk_max_file_descriptor_count: 4000 })));
    const f = outs.at(-1)?.values.find((v) => v.signal === 'fd-exhaustion-hours');
    // 6000 fds an hour, 2500 open of 4000 → 15 min.
    expect(f).toMatchObject({ server: TRIO[0], value: expect.closeTo(0.25, 6), forecast: { tier: 'short', limit: 4000, current: expect.closeTo(2500, 6) } });
  });

  it('no fd forecast while a restarted server settles (clients reconnecting are not a leak): the counters going down start the settling time', () => {
    const metrics = (i: number) => ({
      zk_open_file_descriptor_count: i < 20 ? 500 : 100 + 30 * (i - 20),
      zk_max_file_descriptor_count: 1024,
      zk_cnt_readlatency: i < 20 ? 100_000 + 1000 * i : 1000 * (i - 19),
      zk_sum_readlatency: i < 20 ? 200_000 + 2000 * i : 2000 * (i - 19),
    });
    const outs = run(Array.from({ length: 40 }, (_, i) => oneServer(i, metrics(i))));
    const forecastAt = outs.map((o, i) => (o.values.some((v) => v.signal === 'fd-exhaustion-hours') ? i : -1)).filter((i) => i >= 0);
    // Reconnecting clients climb 30 fds a minute from minute 20; nothing is forecast before minute 30.
    expect(forecastAt.length).toBeGreaterThan(0);
    expect(Math.min(...forecastAt)).toBeGreaterThanOrEqual(30);
  });

  it('forecasts zxid rollover and starts over with a new epoch', () => {
    const counter = (i: number) => ZXID_COUNTER_LIMIT - 3_600_000 + i * 60_000; // 1000 writes/s, 1 h left at i = 0
    const rounds = Array.from({ length: 12 }, (_, i) => {
      const zxid = `0x5${counter(i).toString(16).padStart(8, '0')}`;
      return trioRound(`r${i}`, minutes(T0, i), undefined, [{ zxid }, { zxid }, { zxid }]);
    });
    const outs = run([...rounds, trioRound('e', minutes(T0, 12), undefined, [{ zxid: '0x600000010' }, { zxid: '0x600000010' }, { zxid: '0x600000010' }])]);
    expect(outs[11]?.values.find((v) => v.signal === 'zxid-rollover-hours')?.value).toBeCloseTo((60 - 11) / 60, 2);
    expect(outs[12]?.values.some((v) => v.signal === 'zxid-rollover-hours')).toBe(false);
    expect(outs[12]?.values.find((v) => v.signal === 'elections-per-hour')?.value).toBe(1);
  });
});

describe('elections per hour', () => {
  it('counts the stored elections of the last hour, and a new one, as Date.parse over the list does', () => {
    const at = T0.getTime();
    const stamp = fc.oneof(
      fc.integer({ min: at - 2 * 3_600_000, max: at }).map((ms) => new Date(ms).toISOString()),
      fc.constantFrom('2030-01-01T00:00:00Z', '2029-12-31T23:30:00.000+00:00', 'not a time', '2029-12-31T24:00:00.000Z'),
    );
    fc.assert(
      fc.property(fc.array(stamp, { maxLength: 12 }), fc.boolean(), (elections, newEpoch) => {
        const round = trioRound('r', T0);
        round.ensemble.epoch = newEpoch ? 6 : 5;
        const out = extractSignals(round, { ...initialState('x'), elections, lastEpoch: 5 }, at);
        const kept = elections.filter((e) => Date.parse(e) > at - 3_600_000).length + (newEpoch ? 1 : 0);
        expect(out.values.find((v) => v.signal === 'elections-per-hour')?.value).toBe(Math.min(kept, MAX_ELECTIONS));
      }),
    );
  });
});

describe('packed series', () => {
  it('pack then unpack gives the samples back (times to 10 s, values to the scale)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: -5_000_000_000, max: 5_000_000_000 })), { maxLength: 30 }), (raw) => {
        let t = 1_800_000_000;
        const samples: Sample[] = raw.map(([dt, v]) => [(t += dt * 10), v]);
        expect(samplesOf(unpackSeries(packSeries(seriesOf(samples))))).toEqual(samples);
      }),
    );
    expect(samplesOf(unpackSeries(packSeries(seriesOf([[t0, 2.34]]), 10), 10))).toEqual([[t0, 2.3]]);
  });

  it('a 1-minute series costs about two characters a sample', () => {
    let packed: string | undefined;
    for (let i = 0; i < 100; i++) packed = appendPacked(packed, t0 + i * 60, 400 + (i % 5), { spacingS: 55, points: 17 }).packed;
    expect(samplesOf(unpackSeries(packed))).toHaveLength(17);
    expect(packed?.length).toBeLessThan(17 * 2 + 10);
  });
});

describe('gauges', () => {
  it('fd use is open over max, and nothing without a positive max', () => {
    expect(fdFraction({ zk_open_file_descriptor_count: 50, zk_max_file_descriptor_count: 20000 })).toBe(0.0025);
    expect(fdFraction({ zk_open_file_descriptor_count: '150', zk_max_file_descriptor_count: '300' })).toBe(0.5);
    expect(fdFraction({ zk_open_file_descriptor_count: 50, zk_max_file_descriptor_count: 0 })).toBeUndefined();
    expect(fdFraction({ zk_open_file_descriptor_count: 50 })).toBeUndefined();
  });

  it('reads outstanding requests, zxid lag and canary steps; skips servers that do not serve', () => {
    const round = trioRound('r', T0, ['leader', 'follower', 'unreachable'], [{ zxid: '0x100000010' }, { zxid: '0x100000004' }], {
      ok: true,
      steps: { connect: 40, create: 5, set: 7, get: 1, watch: 3, delete: 4 },
      totalMs: 60,
    });
    const [out] = run([round]);
    const of = (signal: string, at?: string) => valueOf(out, signal, at);
    expect(of('outstanding-requests', TRIO[1])).toBe(0);
    expect(of('zxid-lag')).toBe(12);
    expect([of('canary-connect-ms'), of('canary-write-ms'), of('canary-read-ms')]).toEqual([40, 7, 3]);
    expect(out?.values.some((v) => v.server === TRIO[2])).toBe(false);
  });
});

describe('baseline', () => {
  const settings = { timeConstantS: 600, warmupS: 300 };

  it('says nothing until warm, then gives mean and deviation with a floor on sigma', () => {
    let b = learn(undefined, 10, 60, settings, false);
    for (let i = 0; i < 4; i++) b = learn(b, 10, 60, settings, false);
    expect(baselineParams(b, 300, 1)).toBeUndefined();
    b = learn(b, 10, 60, settings, false);
    expect(baselineParams(b, 300, 1)).toEqual({ mu: 10, sigma: 1 });
  });

  it('learns during warm-up even while the signal alerts, so it cannot lock itself out', () => {
    let b = learn(undefined, 5000, 60, settings, true);
    for (let i = 0; i < 10; i++) b = learn(b, 5000, 60, settings, true);
    expect(baselineParams(b, 300, 1)).toEqual({ mu: 5000, sigma: 1 });
  });

  it('once warm, follows the signal and freezes while it alerts', () => {
    let b;
    for (let i = 0; i < 100; i++) b = learn(b, i % 2 ? 12 : 8, 60, settings, false);
    const params = baselineParams(b, 300, 0.1);
    expect(params?.mu).toBeCloseTo(10, 0);
    expect(params?.sigma).toBeGreaterThan(1);
    expect(learn(b, 1000, 60, settings, true)).toBe(b);
    expect(learn(b, Number.NaN, 60, settings, false)).toBe(b);
  });
});
