/**
 * `zk-lookout run --metrics-port` as Prometheus scrapes it: a child process watching the
 * shared healthy trio, its `/metrics` accepted by Debian's promtool, with the values a
 * healthy ensemble must show.
 */
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { eventually, PROMTOOL, requireTool, runWithStdin, startRun, tempDir } from '../support/prometheus-tools.ts';

const promtool = requireTool(PROMTOOL, 'prometheus');
const trio = inject('trio');
const dir = tempDir('zk-lookout-metrics-');
const port = await freePort();
const url = `http://127.0.0.1:${port}/metrics`;
const run = startRun(
  dir,
  {
    ensembles: [{ name: 'trio', servers: trio.servers.map((s) => `127.0.0.1:${s.port}`), adminPorts: trio.servers.map((s) => s.adminPort), timeoutMs: 2000 }],
    intervalSeconds: 1,
    storeDir: null,
  },
  ['--metrics-port', String(port)],
);

/** A scrape taken once two rounds are in (the second evaluates against the first's state). */
const scraped = await eventually(
  'two rounds in /metrics',
  async () => {
    const text = await (await fetch(url, { signal: AbortSignal.timeout(2000) })).text();
    return /^zk_lookout_rounds_total\{ensemble="trio"\} ([2-9]|\d{2,})$/m.test(text) ? text : undefined;
  },
  45_000,
  run,
);

function value(series: string): number | undefined {
  const line = scraped.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('zk-lookout run --metrics-port', () => {
  it('serves the exposition format that promtool accepts with zero problems', async () => {
    const { code, output } = await runWithStdin(promtool, ['check', 'metrics'], scraped);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('shows the trio healthy: one leader, quorum, three servers up and serving', () => {
    expect(value('zk_lookout_ensemble_leaders{ensemble="trio"}')).toBe(1);
    expect(value('zk_lookout_ensemble_quorum{ensemble="trio"}')).toBe(1);
    expect(value('zk_lookout_ensemble_servers_serving{ensemble="trio"}')).toBe(3);
    for (const s of trio.servers) {
      expect(value(`zk_lookout_server_up{ensemble="trio",server="127.0.0.1:${s.port}"}`)).toBe(1);
      expect(value(`zk_lookout_server_serving{ensemble="trio",server="127.0.0.1:${s.port}"}`)).toBe(1);
    }
    const leaders = scraped.split('\n').filter((l) => /^zk_lookout_server_mode\{.*mode="leader"\} 1$/.test(l));
    expect(leaders).toHaveLength(1);
  });

  it('exports mntr values by their ZooKeeper names, without per-namespace keys', () => {
    expect(scraped).toMatch(/^zk_lookout_mntr\{ensemble="trio",server="127\.0\.0\.1:\d+",name="zk_avg_latency"\} [\d.]+$/m);
    expect(scraped).toMatch(/^zk_lookout_mntr\{[^}]*name="zk_znode_count"\} \d+$/m);
    expect(scraped).not.toMatch(/_per_namespace/);
  });

  it('exports the canary steps, the warning probability and every signal risk', () => {
    expect(value('zk_lookout_canary_success{ensemble="trio"}')).toBe(1);
    expect(value('zk_lookout_canary_step_seconds{ensemble="trio",step="create"}')).toBeGreaterThan(0);
    const p = value('zk_lookout_warning_probability{ensemble="trio"}');
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(0.5);
    expect(scraped).toMatch(/^zk_lookout_signal_risk\{ensemble="trio",signal="outstanding-requests",server="127\.0\.0\.1:\d+"\} [\d.e-]+$/m);
    expect(scraped).toMatch(/^zk_lookout_signal_risk\{ensemble="trio",signal="canary-write-ms"\} [\d.e-]+$/m);
  });

  it("reports the checker's own health", () => {
    expect(value('zk_lookout_evaluation_duration_seconds_count{ensemble="trio"}')).toBeGreaterThanOrEqual(2);
    expect(value('zk_lookout_probe_duration_seconds_count{ensemble="trio"}')).toBeGreaterThanOrEqual(2);
    const last = value('zk_lookout_last_round_timestamp_seconds{ensemble="trio"}') ?? 0;
    expect(Math.abs(Date.now() / 1000 - last)).toBeLessThan(30);
    expect(scraped).not.toMatch(/^zk_lookout_alert_firing\{.*\} 1$/m);
  });

  // Issue 15 called the old 404 on `/` wrong: `/` is now a landing page, and /healthz answers.
  it('answers / with a landing page, /healthz with 200 while rounds are fresh, 404 elsewhere, and listens on loopback only by default', async () => {
    const landing = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('<a href="/metrics">');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ healthy: true, ensembles: [{ name: 'trio', fresh: true }] });
    const response = await fetch(`http://127.0.0.1:${port}/nope`, { signal: AbortSignal.timeout(2000) });
    expect(response.status).toBe(404);
    expect(run.output()).toContain(`metrics at http://127.0.0.1:${port}/metrics`);
  });
});
