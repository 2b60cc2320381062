/**
 * Detection latency, fault → notification delivered to a loopback webhook, on a real
 * 3-server ensemble (tickTime 200), for zk-lookout and for Prometheus 2.42 +
 * Alertmanager 0.25 side by side in the same run:
 *   - zk-lookout: the local pipeline (probe, embedded store, evaluator with outbox, chat
 *     delivery through the webhook provider) ticking every 5 s, per-server deadline 1 s;
 *   - Prometheus scraping bench/support/mntr-exporter.ts every 5 s (per-server deadline
 *     1 s), the community ZooKeeper rules (bench/support/prometheus-stack.ts), rules
 *     evaluated every 5 s, Alertmanager with its default timing posting to a webhook.
 * Faults: leader killed, follower paused, quorum lost (both followers killed). Each fault
 * is injected at a random offset in the 5 s cycle, restored, and the next waits until
 * zk-lookout has resolved everything; Prometheus and Alertmanager start fresh for each
 * fault (a new alert group: their best case, see docs/BENCHMARKS.md).
 *   npm run bench:detection [-- --reps 3]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FileWebhookSecrets } from '../functions/adapters/local/file-secrets.ts';
import type { AlertMessage } from '../functions/contract/alert-message.ts';
import { openEmbeddedStore } from '../functions/adapters/local/embedded-store.ts';
import { parseLocalConfig } from '../cli/local/local-config.ts';
import { LocalNotifier } from '../cli/local/local-notifier.ts';
import { LocalPipeline } from '../cli/local/local-pipeline.ts';
import { LocalEnsemble } from '../scripts/local-ensemble.ts';
import { median } from './stats.ts';
import { startMntrExporter } from './support/mntr-exporter.ts';
import { startPrometheusStack } from './support/prometheus-stack.ts';
import { startWebhookSink, type Arrival } from './support/webhook-sink.ts';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' }, interval: { type: 'string', default: '5' } } });
const reps = Number(values.reps);
const intervalSeconds = Number(values.interval);
const DEADLINE_MS = 1000;
const NOTIFY_TIMEOUT_MS = 120_000;

type FaultName = 'leader killed' | 'follower paused' | 'quorum lost';
const FAULTS: readonly FaultName[] = ['leader killed', 'follower paused', 'quorum lost'];

interface Measurement {
  fault: FaultName;
  rep: number;
  lookoutMs?: number;
  lookoutAlerts: string;
  /** Fault → the evaluation that fired it (the alert's `since`: the evaluator clock, right after the round). */
  lookoutDetectMs?: number;
  prometheusMs?: number;
  prometheusAlerts: string;
  /** Fault → the rule evaluation that made the alert active (Alertmanager's startsAt). */
  prometheusDetectMs?: number;
}

interface AlertmanagerBody {
  status: string;
  alerts: { status: string; labels: Record<string, string>; startsAt: string }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lookoutMessage = (body: unknown) => (body as { message?: AlertMessage }).message;
const firedAlarm = (body: unknown) => lookoutMessage(body)?.changes.some((c) => c.change === 'fired' && c.level === 'alarm') ?? false;

/** Alarm keys firing according to every zk-lookout message received so far. */
function firingAlarms(arrivals: readonly Arrival[]): Set<string> {
  const firing = new Set<string>();
  for (const a of arrivals) {
    for (const c of lookoutMessage(a.body)?.changes ?? []) {
      if (c.level !== 'alarm') continue;
      if (c.change === 'resolved') firing.delete(c.alertKey);
      else firing.add(c.alertKey);
    }
  }
  return firing;
}

const ensemble = await LocalEnsemble.start({ size: 3, tickTime: 200 });
const work = mkdtempSync(join(tmpdir(), 'zk-lookout-detect-'));
const sink = await startWebhookSink();
const servers = ensemble.servers.map((s) => ({ host: '127.0.0.1', port: s.clientPort }));
const exporter = await startMntrExporter(servers, DEADLINE_MS);
const store = await openEmbeddedStore(null);
const stop = new AbortController();
const results: Measurement[] = [];
let pipelineRun: Promise<void> | undefined;
try {
  const secretFile = join(work, 'hook.json');
  writeFileSync(secretFile, JSON.stringify({ url: sink.url('/hook') }));
  const config = parseLocalConfig(
    {
      ensembles: [{ name: 'bench', servers: ensemble.addresses, timeoutMs: DEADLINE_MS }],
      intervalSeconds,
      storeDir: null,
      channels: [{ name: 'bench-hook', kind: 'webhook', secretId: secretFile }],
    },
    join(work, 'config.json'),
  );
  const pipeline = new LocalPipeline({ config, table: store.table, notifier: new LocalNotifier({ channels: config.channels, secrets: new FileWebhookSecrets(), ledger: store.ledger, show: () => undefined }) });
  pipelineRun = pipeline.run(stop.signal, () => undefined);

  console.log(`detection latency: ${reps} repetition(s) of ${FAULTS.length} faults, probe/scrape/eval every ${intervalSeconds} s, per-server deadline ${DEADLINE_MS} ms, node ${process.version}`);
  for (let rep = 1; rep <= reps; rep++) {
    for (const fault of FAULTS) {
      await waitQuiet();
      const prom = await startPrometheusStack({ exporter: new URL(exporter.url).host, webhookUrl: sink.url('/alertmanager'), intervalSeconds });
      try {
        await waitScrapedHealthy(prom.query);
        await sleep(Math.random() * intervalSeconds * 1000);
        const t0 = Date.now();
        const restore = await inject(fault);
        const [lookout, am] = await Promise.all([
          sink.waitFor('/hook', t0, firedAlarm, NOTIFY_TIMEOUT_MS),
          sink.waitFor('/alertmanager', t0, (b) => (b as AlertmanagerBody).status === 'firing', NOTIFY_TIMEOUT_MS),
        ]);
        const fired = lookoutMessage(lookout?.body)?.changes.filter((c) => c.change === 'fired' && c.level === 'alarm') ?? [];
        const amAlerts = (am?.body as AlertmanagerBody | undefined)?.alerts.filter((a) => a.status === 'firing') ?? [];
        const m: Measurement = {
          fault,
          rep,
          lookoutAlerts: fired.map((c) => c.alertName).join(','),
          prometheusAlerts: [...new Set(amAlerts.map((a) => a.labels.alertname))].join(','),
          ...(lookout ? { lookoutMs: lookout.at - t0 } : {}),
          ...(fired[0] ? { lookoutDetectMs: Date.parse(fired[0].since) - t0 } : {}),
          ...(am ? { prometheusMs: am.at - t0 } : {}),
          ...(amAlerts[0] ? { prometheusDetectMs: Math.min(...amAlerts.map((a) => Date.parse(a.startsAt))) - t0 } : {}),
        };
        results.push(m);
        console.log(
          `rep ${rep} ${fault.padEnd(16)} zk-lookout ${fmt(m.lookoutMs)} (evaluated at ${fmt(m.lookoutDetectMs)}; ${m.lookoutAlerts || '-'}) | ` +
            `Prometheus+Alertmanager ${fmt(m.prometheusMs)} (rule active at ${fmt(m.prometheusDetectMs)}; ${m.prometheusAlerts || '-'})`,
        );
        await restore();
      } finally {
        await prom.close();
      }
    }
  }
  await waitQuiet();

  console.log('\ntime to notify (median over repetitions)');
  console.log(`${'fault'.padEnd(18)}${'zk-lookout'.padStart(12)}${'Prom+AM'.padStart(12)}${'ratio'.padStart(9)}`);
  for (const fault of FAULTS) {
    const rows = results.filter((r) => r.fault === fault);
    const ours = rows.flatMap((r) => (r.lookoutMs === undefined ? [] : [r.lookoutMs]));
    const theirs = rows.flatMap((r) => (r.prometheusMs === undefined ? [] : [r.prometheusMs]));
    const ratio = ours.length && theirs.length ? `${(median(theirs) / median(ours)).toFixed(1)}×` : 'n/a';
    console.log(`${fault.padEnd(18)}${fmt(ours.length ? median(ours) : undefined).padStart(12)}${fmt(theirs.length ? median(theirs) : undefined).padStart(12)}${ratio.padStart(9)}   n=${ours.length}/${theirs.length}`);
  }
  const missed = results.filter((r) => r.lookoutMs === undefined || r.prometheusMs === undefined).length;
  if (missed > 0) console.log(`\n${missed} fault(s) without a notification from one side within ${NOTIFY_TIMEOUT_MS / 1000} s`);
} finally {
  stop.abort();
  await pipelineRun;
  await store.close();
  await exporter.close();
  await sink.close();
  await ensemble.close();
  rmSync(work, { recursive: true, force: true });
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? 'none' : `${(ms / 1000).toFixed(1)} s`;
}

/** Injects the fault and returns how to undo it (resolving once the ensemble serves again). */
async function inject(fault: FaultName): Promise<() => Promise<void>> {
  const leader = await ensemble.leader();
  const followers = await ensemble.followers();
  if (leader === undefined || followers.length < 2) throw new Error(`ensemble not healthy before "${fault}" (leader ${leader}, followers ${followers.join(',')})`);
  const follower = followers[0] as number;
  switch (fault) {
    case 'leader killed':
      await ensemble.kill(leader);
      return async () => {
        ensemble.restart(leader);
        await ensemble.waitServing(30_000, [1, 2, 3]);
      };
    case 'follower paused':
      ensemble.pause(follower);
      return async () => {
        ensemble.resume(follower);
        await ensemble.waitServing(30_000, [1, 2, 3]);
      };
    case 'quorum lost':
      await Promise.all(followers.map((id) => ensemble.kill(id)));
      return async () => {
        for (const id of followers) ensemble.restart(id);
        await ensemble.waitServing(30_000, [1, 2, 3]);
      };
  }
}

/** zk-lookout has resolved every alarm it raised (bounded). */
async function waitQuiet(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (firingAlarms(sink.arrivals).size > 0) {
    if (Date.now() > deadline) throw new Error(`zk-lookout still reports ${[...firingAlarms(sink.arrivals)].join(', ')} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Prometheus has scraped all three servers as up and evaluated its rules at least once since. */
async function waitScrapedHealthy(query: (expr: string) => Promise<{ value: [number, string] }[]>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await query('count(zk_up == 1)').catch(() => []);
    if (up[0]?.value[1] === '3') break;
    if (Date.now() > deadline) throw new Error(`Prometheus did not see 3 servers up within ${timeoutMs} ms`);
    await sleep(250);
  }
  await sleep(intervalSeconds * 1000 + 500);
  const active = await query('ALERTS');
  if (active.length > 0) throw new Error(`Prometheus has alerts before the fault: ${JSON.stringify(active)}`);
}
