/**
 * The local metrics server's pages besides `/metrics` (issue 15): a landing page, and
 * `/healthz` that answers 200 while every watched ensemble's rounds are fresh and 503 once
 * one is stale; and numbers in `/metrics` without floating-point noise.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LookoutMetrics, serveMetrics, type MetricsEndpoint } from '../../cli/local/metrics-server.ts';
import { tidyExposition, tidyNumber } from '../../functions/core/metrics/tidy-number.ts';
import { minutes, trioRound } from '../support/probe-rounds.ts';

const T0 = new Date('2026-03-01T12:00:00.000Z');
let now = T0.getTime();
const metrics = new LookoutMetrics({ ensembles: ['trio', 'other'], intervalSeconds: 10, clock: () => now });
const endpoints: MetricsEndpoint[] = [];
afterAll(() => Promise.all(endpoints.map((e) => e.close())));

async function serve() {
  const endpoint = await serveMetrics(metrics.registry, '127.0.0.1', 0, { health: () => metrics.health() });
  endpoints.push(endpoint);
  return new URL(endpoint.url).origin;
}

const tick = (name: string, at: Date) => {
  const round = trioRound(`r-${at.getTime()}`, at, undefined, [{ metrics: { zk_avg_latency: 0.007980000000000001 } }]);
  return { ensembleName: name, round: { ...round, ensembleName: name } };
};

describe('the metrics server', () => {
  it('serves a landing page at / that links /metrics and /healthz', async () => {
    const response = await fetch(`${await serve()}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<a href="/metrics">');
    expect(html).toContain('<a href="/healthz">');
  });

  it('/healthz: 200 while every ensemble has a round within three intervals, 503 when one is stale', async () => {
    const origin = await serve();
    now = T0.getTime();
    metrics.record(tick('trio', T0), undefined);
    metrics.record(tick('other', T0), undefined);
    now = minutes(T0, 0.5).getTime(); // 30 s = three intervals: still fresh
    const fresh = await fetch(`${origin}/healthz`);
    expect(fresh.status).toBe(200);
    expect(await fresh.json()).toMatchObject({ healthy: true, staleAfterSeconds: 30, ensembles: [{ name: 'trio', fresh: true }, { name: 'other', fresh: true }] });

    now = T0.getTime() + 31_000;
    metrics.record(tick('trio', new Date(now)), undefined);
    const stale = await fetch(`${origin}/healthz`);
    expect(stale.status).toBe(503);
    expect(await stale.json()).toMatchObject({ healthy: false, ensembles: [{ name: 'trio', fresh: true }, { name: 'other', fresh: false, lastRoundAt: T0.toISOString() }] });
  });

  it('/healthz counts from start until an ensemble has its first round', () => {
    let clock = T0.getTime();
    const fresh = new LookoutMetrics({ ensembles: ['new'], intervalSeconds: 1, clock: () => clock });
    expect(fresh.health().healthy).toBe(true);
    clock += 3_001;
    expect(fresh.health()).toMatchObject({ healthy: false, ensembles: [{ name: 'new', lastRoundAt: null, fresh: false }] });
  });

  it('/metrics prints 0.00798, not 0.007980000000000001', async () => {
    now = T0.getTime();
    metrics.record(tick('trio', T0), undefined);
    const text = await (await fetch(`${await serve()}/metrics`)).text();
    expect(text).toMatch(/^zk_lookout_mntr\{[^}]*name="zk_avg_latency"[^}]*\} 0\.00798$/m);
    expect(text).not.toContain('0.007980000000000001');
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    const origin = await serve();
    expect((await fetch(`${origin}/nope`)).status).toBe(404);
    expect((await fetch(`${origin}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

describe('tidy numbers', () => {
  it.each([
    [0.007980000000000001, 0.00798],
    [0.1 + 0.2, 0.3],
    [4294967295, 4294967295],
    [9007199254740993, 9007199254740993],
    [1.5, 1.5],
    [-0.000123456789012345, -0.000123456789012],
  ])('%d → %d', (raw, tidy) => expect(tidyNumber(raw)).toBe(tidy));

  it('tidies sample values and leaves comments and labels alone', () => {
    expect(tidyExposition('# HELP x 0.30000000000000004\nx{a="0.30000000000000004 1"} 0.30000000000000004\ny 12\nz NaN')).toBe(
      '# HELP x 0.30000000000000004\nx{a="0.30000000000000004 1"} 0.3\ny 12\nz NaN',
    );
  });
});
