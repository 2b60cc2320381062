import { describe, expect, it } from 'vitest';
import { baselineParams, learn } from '../../functions/core/evaluate/baseline.ts';
import { appendSample, HISTORY_POINTS, initialState, type Sample } from '../../functions/core/evaluate/ensemble-state.ts';
import { connectionsFraction, extractSignals, fdFraction, hoursUntil, trendPerHour, ZXID_COUNTER_LIMIT } from '../../functions/core/evaluate/signals.ts';
import { minutes, roundOf, server, trioRound, TRIO } from '../support/probe-rounds.ts';

const T0 = new Date('2030-01-01T00:00:00Z');
const t0 = T0.getTime() / 1000;

describe('trends and forecasts', () => {
  it('least squares gives the slope per hour of a line, noise or not', () => {
    const line: Sample[] = [0, 10, 20, 30].map((m) => [t0 + m * 60, 100 + 2 * m]);
    expect(trendPerHour(line)).toBeCloseTo(120, 9);
    const noisy: Sample[] = [0, 10, 20, 30, 40].map((m, i) => [t0 + m * 60, 100 + 2 * m + (i % 2 ? 3 : -3)]);
    expect(trendPerHour(noisy)).toBeCloseTo(120, -1);
  });

  it('needs three samples over ten minutes', () => {
    expect(trendPerHour([[t0, 1], [t0 + 3600, 2]])).toBeUndefined();
    expect(trendPerHour([[t0, 1], [t0 + 60, 2], [t0 + 120, 3]])).toBeUndefined();
  });

  it('hours until a limit at the trend; nothing when flat or falling', () => {
    const rising: Sample[] = [0, 20, 40, 60].map((m) => [t0 + m * 60, 1000 + 100 * m]);
    // 6000 fds per hour; from 7000 to 20000 is 13000 → 2.1667 h.
    expect(hoursUntil(rising, 20_000)).toBeCloseTo(13_000 / 6000, 9);
    expect(hoursUntil([0, 20, 40].map((m) => [t0 + m * 60, 500] as Sample), 20_000)).toBeUndefined();
    expect(hoursUntil([0, 20, 40].map((m) => [t0 + m * 60, 500 - m] as Sample), 20_000)).toBeUndefined();
    expect(hoursUntil([0, 20, 40].map((m) => [t0 + m * 60, 30_000 + m] as Sample), 20_000)).toBe(0);
  });

  it('forecasts zxid rollover from the counter trend and restarts the series on a new epoch', () => {
    let state = initialState('prod');
    let last;
    const counter = (i: number) => 0xf0000000 + i * 0x100000; // 1 048 576 transactions a minute
    for (let i = 0; i <= 30; i += 10) {
      const zxid = `0x5${counter(i).toString(16).padStart(8, '0')}`;
      const round = trioRound(`r${i}`, minutes(T0, i), undefined, [{ zxid }, { zxid }, { zxid }]);
      last = extractSignals(round, state, minutes(T0, i).getTime());
      state = { ...state, history: last.history, elections: last.elections, lastEpoch: last.lastEpoch };
    }
    const hours = last?.values.find((v) => v.signal === 'zxid-rollover-hours')?.value;
    expect(hours).toBeCloseTo((ZXID_COUNTER_LIMIT - counter(30)) / (0x100000 * 60), 6);
    const next = extractSignals(trioRound('e', minutes(T0, 40), undefined, [{ zxid: '0x600000010' }, { zxid: '0x600000010' }, { zxid: '0x600000010' }]), state, minutes(T0, 40).getTime());
    expect(next.history['*|zxid-counter']).toEqual([[t0 + 2400, 16]]);
    expect(next.values.find((v) => v.signal === 'elections-per-hour')?.value).toBe(1);
    expect(next.values.some((v) => v.signal === 'zxid-rollover-hours')).toBe(false);
  });

  it('forecasts fd exhaustion per server', () => {
    let state = initialState('prod');
    let last;
    for (let i = 0; i <= 60; i += 5) {
      const round = roundOf(`r${i}`, minutes(T0, i), [server(TRIO[0], { mode: 'leader', metrics: { zk_open_file_descriptor_count: 1000 + 50 * i, zk_max_file_descriptor_count: 10_000 } })]);
      last = extractSignals(round, state, minutes(T0, i).getTime());
      state = { ...state, history: last.history };
    }
    // 3000 fds per hour; 4000 open of 10000 → 2 h.
    expect(last?.values.find((v) => v.signal === 'fd-exhaustion-hours')).toEqual({ signal: 'fd-exhaustion-hours', server: TRIO[0], value: expect.closeTo(2, 6) });
    expect(last?.values.find((v) => v.signal === 'znode-growth')?.value).toBeCloseTo(0, 9);
  });

  it('history stays bounded and keeps its newest sample', () => {
    let series: Sample[] = [];
    for (let i = 0; i < 1000; i++) series = appendSample(series, [t0 + i * 60, i]);
    expect(series.length).toBeLessThanOrEqual(HISTORY_POINTS);
    expect(series.at(-1)).toEqual([t0 + 999 * 60, 999]);
    expect((series.at(-2)?.[0] ?? 0) - (series.at(-3)?.[0] ?? 0)).toBeGreaterThanOrEqual(300);
  });

  it('a counter that drops (server restart) starts its rate over', () => {
    let state = initialState('prod');
    const at = (i: number, count: number) => {
      const round = roundOf(`r${i}`, minutes(T0, i), [server(TRIO[0], { mode: 'leader', metrics: { zk_fsync_threshold_exceed_count: count } })]);
      const out = extractSignals(round, state, minutes(T0, i).getTime());
      state = { ...state, history: out.history };
      return out;
    };
    at(0, 100);
    at(10, 110);
    expect(at(20, 120).values.find((v) => v.signal === 'fsync-exceed-rate')?.value).toBeCloseTo(60, 9);
    expect(at(30, 2).history[`${TRIO[0]}|fsync-exceed`]).toEqual([[t0 + 1800, 2]]);
  });
});

describe('gauges', () => {
  it('fd use is open over max, and nothing without a positive max', () => {
    expect(fdFraction({ zk_open_file_descriptor_count: 50, zk_max_file_descriptor_count: 20000 })).toBe(0.0025);
    expect(fdFraction({ zk_open_file_descriptor_count: '150', zk_max_file_descriptor_count: '300' })).toBe(0.5);
    expect(fdFraction({ zk_open_file_descriptor_count: 50, zk_max_file_descriptor_count: 0 })).toBeUndefined();
    expect(fdFraction({ zk_open_file_descriptor_count: 50 })).toBeUndefined();
  });

  it('connections against maxClientCnxns; 0 or no conf means unlimited: no signal', () => {
    const s = server(TRIO[0], { connections: 15, conf: { maxClientCnxns: '20' } });
    expect(connectionsFraction(s)).toBe(0.75);
    expect(connectionsFraction({ ...s, conf: { maxClientCnxns: '0' } })).toBeUndefined();
    expect(connectionsFraction({ ...s, conf: undefined })).toBeUndefined();
    const round = trioRound('r', T0, undefined, [{ connections: 15, conf: { maxClientCnxns: '0' } }]);
    expect(extractSignals(round, initialState('prod'), T0.getTime()).values.some((v) => v.signal === 'connections-use')).toBe(false);
  });

  it('reads latency, outstanding requests, zxid lag and canary steps; skips servers that do not serve', () => {
    const round = trioRound('r', T0, ['leader', 'follower', 'unreachable'], [{ zxid: '0x100000010' }, { zxid: '0x100000004' }], {
      ok: true,
      steps: { connect: 40, create: 5, set: 7, get: 1, watch: 3, delete: 4 },
      totalMs: 60,
    });
    const values = extractSignals(round, initialState('prod'), T0.getTime()).values;
    const of = (signal: string, server?: string) => values.find((v) => v.signal === signal && v.server === server)?.value;
    expect(of('latency-avg', TRIO[0])).toBe(0.5);
    expect(of('outstanding-requests', TRIO[1])).toBe(0);
    expect(of('zxid-lag')).toBe(12);
    expect([of('canary-connect-ms'), of('canary-write-ms'), of('canary-read-ms')]).toEqual([40, 7, 3]);
    expect(values.some((v) => v.server === TRIO[2])).toBe(false);
  });
});

describe('baseline', () => {
  const settings = { alpha: 0.1, warmupRounds: 5 };

  it('says nothing until warm, then gives mean and deviation with a floor on sigma', () => {
    let b;
    for (let i = 0; i < 4; i++) b = learn(b, 10, settings, false);
    expect(baselineParams(b, 5, 1)).toBeUndefined();
    b = learn(b, 10, settings, false);
    expect(baselineParams(b, 5, 1)).toEqual({ mu: 10, sigma: 1 });
  });

  it('follows the signal and freezes while it alerts', () => {
    let b;
    for (let i = 0; i < 50; i++) b = learn(b, i % 2 ? 12 : 8, settings, false);
    const params = baselineParams(b, 5, 0.1);
    expect(params?.mu).toBeCloseTo(10, 0);
    expect(params?.sigma).toBeGreaterThan(1);
    expect(learn(b, 1000, settings, true)).toBe(b);
    expect(learn(b, Number.NaN, settings, false)).toBe(b);
  });
});
