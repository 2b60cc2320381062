/**
 * `/metrics` for `zk-lookout run --metrics-port`: zk-lookout's view of each ensemble in
 * the Prometheus exposition format, on a registry of its own (prom-client's global one
 * is left to whoever embeds this). Gauges are rebuilt from each ensemble's latest round
 * at scrape time; counters and histograms record the checker's own health.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RiskAssessment } from '../../functions/core/evaluate/assess-risk.ts';
import { ensembleSamples, type EnsembleSnapshot } from '../../functions/core/metrics/ensemble-samples.ts';
import { DURATION_BUCKETS, HealthMetrics, LOOKOUT_GAUGES, type LookoutGauge } from '../../functions/core/metrics/metric-names.ts';
import type { EnsembleTick } from './local-pipeline.ts';

export class LookoutMetrics {
  readonly registry = new Registry();
  private readonly snapshots = new Map<string, EnsembleSnapshot>();
  private readonly rounds: Counter<string>;
  private readonly probeErrors: Counter<string>;
  private readonly roundErrors: Counter<string>;
  private readonly probeDuration: Histogram<string>;
  private readonly evaluationDuration: Histogram<string>;
  private readonly alertmanagerPosts: Counter<string>;

  constructor() {
    const snapshots = this.snapshots;
    for (const [name, spec] of Object.entries(LOOKOUT_GAUGES) as [LookoutGauge, (typeof LOOKOUT_GAUGES)[LookoutGauge]][]) {
      new Gauge({
        name,
        help: spec.help,
        labelNames: spec.labelNames,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const snapshot of snapshots.values()) {
            for (const sample of snapshot.samples) if (sample.metric === name) this.set(sample.labels, sample.value);
          }
        },
      });
    }
    const counter = (spec: { name: string; help: string; labelNames: readonly string[] }) => new Counter({ ...spec, registers: [this.registry] });
    const histogram = (spec: { name: string; help: string; labelNames: readonly string[] }) => new Histogram({ ...spec, buckets: DURATION_BUCKETS, registers: [this.registry] });
    this.rounds = counter(HealthMetrics.roundsTotal);
    this.probeErrors = counter(HealthMetrics.probeErrorsTotal);
    this.roundErrors = counter(HealthMetrics.roundErrorsTotal);
    this.probeDuration = histogram(HealthMetrics.probeDuration);
    this.evaluationDuration = histogram(HealthMetrics.evaluationDuration);
    this.alertmanagerPosts = counter(HealthMetrics.alertmanagerPostsTotal);
  }

  /** Records one ensemble's tick; `risk` is that round's assessment (absent when it has no round). */
  record(tick: EnsembleTick, risk: RiskAssessment | undefined): void {
    const ensemble = tick.ensembleName;
    if (tick.error !== undefined) this.roundErrors.inc({ ensemble });
    if (tick.round === undefined) return;
    this.rounds.inc({ ensemble });
    for (const server of tick.round.servers) if (server.error) this.probeErrors.inc({ ensemble, kind: server.error.kind });
    this.probeDuration.observe({ ensemble }, tick.round.durationMs / 1000);
    if (tick.evaluationMs !== undefined) this.evaluationDuration.observe({ ensemble }, tick.evaluationMs / 1000);
    const state = tick.outcome?.state;
    this.snapshots.set(
      ensemble,
      ensembleSamples({
        round: tick.round,
        ...(state ? { state } : {}),
        signals: risk?.signals ?? [],
        ...(risk ? { probability: risk.probability } : {}),
        knownAlerts: this.snapshots.get(ensemble)?.alerts ?? [],
      }),
    );
  }

  alertmanagerPost(ok: boolean): void {
    this.alertmanagerPosts.inc({ result: ok ? 'ok' : 'error' });
  }
}

export interface MetricsEndpoint {
  url: string;
  close(): Promise<void>;
}

/** Serves `GET /metrics` from the registry; anything else is 404. */
export async function serveMetrics(registry: Registry, host: string, port: number): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: zk-lookout serves GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`),
    );
  });
  // A scraper holding a connection open must not keep Ctrl-C waiting.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`cannot serve metrics on ${host}:${port}: ${err.code ?? err.message}`)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = address && typeof address !== 'string' ? address.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
