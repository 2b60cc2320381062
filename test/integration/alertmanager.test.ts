/**
 * Alertmanager as a delivery target, end to end: Debian's Alertmanager 0.25 on loopback,
 * a real ensemble losing quorum under `zk-lookout run`, the alert read back from
 * Alertmanager's API with its labels, then resolved there after recovery.
 */
import { describe, expect, it } from 'vitest';
import type { ActiveAlert } from '../../functions/core/deliver/alertmanager-alerts.ts';
import { privateEnsemble } from '../support/ensembles.ts';
import { eventually, startAlertmanager, startRun, tempDir } from '../support/prometheus-tools.ts';

const dir = tempDir('zk-lookout-alertmanager-');
const [alertmanager, ensemble] = await Promise.all([startAlertmanager(dir), privateEnsemble({ size: 3 })]);
const run = startRun(dir, {
  ensembles: [{ name: 'am-trio', servers: ensemble.addresses, timeoutMs: 1000, canary: { enabled: false } }],
  intervalSeconds: 1,
  storeDir: null,
  links: { runbook: 'https://runbooks.example/zookeeper', dashboard: 'https://grafana.example/d/zk' },
  alertmanager: { url: alertmanager.url },
});

async function quorumLost(): Promise<ActiveAlert | undefined> {
  const query = ['alertname="quorum-lost"', 'ensemble="am-trio"'].map((m) => `filter=${encodeURIComponent(m)}`).join('&');
  const alerts = (await (await fetch(`${alertmanager.url}/api/v2/alerts?${query}`, { signal: AbortSignal.timeout(2000) })).json()) as ActiveAlert[];
  return alerts[0];
}

describe('Alertmanager delivery from zk-lookout run', () => {
  it('posts quorum-lost with its labels and annotations when two of three servers stop', async () => {
    await eventually('first rounds', async () => (/am-trio: +3\/3 serving/.test(run.output()) ? true : undefined), 30_000, run);
    expect(await quorumLost()).toBeUndefined();
    const followers = await ensemble.followers();
    await Promise.all(followers.slice(0, 2).map((id) => ensemble.stop(id)));

    const alert = await eventually('quorum-lost in Alertmanager', quorumLost, 30_000, run);
    expect(alert.labels).toMatchObject({ alertname: 'quorum-lost', ensemble: 'am-trio', severity: 'critical', level: 'alarm', source: 'zk-lookout' });
    expect(alert.labels.server).toBeUndefined();
    expect(alert.annotations?.summary).toMatch(/quorum lost/);
    expect(alert.annotations?.runbook_url).toBe('https://runbooks.example/zookeeper');
    expect(alert.generatorURL).toBe('https://grafana.example/d/zk');
    // Re-posted each round with a horizon ahead: Alertmanager keeps it without resolve_timeout.
    expect(Date.parse(alert.endsAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('resolves it in Alertmanager once the servers are back', async () => {
    for (const s of ensemble.servers) if (!ensemble.isRunning(s.id)) ensemble.restart(s.id);
    await ensemble.waitServing(30_000);
    await eventually('quorum-lost gone from the active alerts', async () => ((await quorumLost()) === undefined ? true : undefined), 30_000, run);
    expect(run.output()).not.toMatch(/Alertmanager \(am-trio\):/);
  });
});
