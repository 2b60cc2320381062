/**
 * `/metrics` for `zk-lookout run --metrics-port`: zk-lookout's view of each ensemble in
 * the Prometheus exposition format, on a registry of its own (prom-client's global one
 * is left to whoever embeds this). Gauges are rebuilt from each ensemble's latest round
 * at scrape time; counters and histograms record the checker's own health.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RiskAssessment } from '../../functions/core/evaluate/assess-risk.ts';
import { ensembleSamples, type EnsembleSnapshot } from '../../functions/core/metrics/ensemble-samples.ts';
import { DURATION_BUCKETS, HealthMetrics, LOOKOUT_GAUGES, type LookoutGauge } from '../../functions/contract/metric-names.ts';
import { tidyExposition } from '../../functions/core/metrics/tidy-number.ts';
import { STALE_INTERVALS } from '../../functions/core/evaluate/evaluate-round.ts';
import type { EnsembleTick } from './local-pipeline.ts';

export interface LookoutMetricsOptions {
  /** The ensembles `run` watches: each must have fresh rounds for `/healthz` to answer 200. */
  ensembles?: readonly string[];
  /** The round interval; a round older than STALE_INTERVALS of them is stale (as the sweep's probe-stale). */
  intervalSeconds?: number;
  clock?: () => number;
}

/** What `/healthz` says: per ensemble, when its last round was taken and whether that is recent enough. */
export interface HealthReport {
  healthy: boolean;
  staleAfterSeconds: number;
  ensembles: { name: string; lastRoundAt: string | null; fresh: boolean }[];
}

export class LookoutMetrics {
  readonly registry = new Registry();
  private readonly snapshots = new Map<string, EnsembleSnapshot>();
  private readonly lastRoundAt = new Map<string, number>();
  private readonly startedAt: number;
  private readonly clock: () => number;
  private readonly ensembles: readonly string[];
  private readonly staleAfterMs: number;
  private readonly rounds: Counter<string>;
  private readonly probeErrors: Counter<string>;
  private readonly roundErrors: Counter<string>;
  private readonly probeDuration: Histogram<string>;
  private readonly evaluationDuration: Histogram<string>;
  private readonly alertmanagerPosts: Counter<string>;

  constructor(options: LookoutMetricsOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.startedAt = this.clock();
    this.ensembles = options.ensembles ?? [];
    this.staleAfterMs = STALE_INTERVALS * (options.intervalSeconds ?? 60) * 1000;
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
    this.lastRoundAt.set(ensemble, this.clock());
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

  /** Healthy while every watched ensemble had a round within the stale limit (counted from start until its first). */
  health(): HealthReport {
    const now = this.clock();
    const names = [...new Set([...this.ensembles, ...this.lastRoundAt.keys()])];
    const ensembles = names.map((name) => {
      const last = this.lastRoundAt.get(name);
      return { name, lastRoundAt: last === undefined ? null : new Date(last).toISOString(), fresh: now - (last ?? this.startedAt) <= this.staleAfterMs };
    });
    return { healthy: ensembles.every((e) => e.fresh), staleAfterSeconds: this.staleAfterMs / 1000, ensembles };
  }

  alertmanagerPost(ok: boolean): void {
    this.alertmanagerPosts.inc({ result: ok ? 'ok' : 'error' });
  }
}

export interface MetricsEndpoint {
  url: string;
  close(): Promise<void>;
}

/**
 * Limits that keep `/metrics` from being held open: idle or half-sent requests are closed
 * after the header and request timeouts, and connections past `maxConnections` are
 * refused at once. Without them 400 idle partial requests held the process's file
 * descriptors until the next round failed with EMFILE (issue 17).
 */
export const METRICS_SERVER_LIMITS = {
  maxConnections: 64,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
} as const;

export interface ServeMetricsOptions {
  /** Backs `/healthz`; without it `/healthz` answers 200 while the server runs. */
  health?: () => HealthReport;
  limits?: Partial<typeof METRICS_SERVER_LIMITS>;
}

const LANDING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zk-lookout</title></head>
<body><h1>zk-lookout</h1>
<ul><li><a href="/metrics">/metrics</a>: Prometheus metrics of every watched ensemble</li>
<li><a href="/healthz">/healthz</a>: 200 while rounds are fresh, 503 when they are stale</li></ul>
</body></html>
`;

/** Serves `GET /metrics`, `GET /healthz` and a landing page at `/`; anything else is 404. */
export async function serveMetrics(registry: Registry, host: string, port: number, options: ServeMetricsOptions = {}): Promise<MetricsEndpoint> {
  const limits = { ...METRICS_SERVER_LIMITS, ...options.limits };
  const server: Server = createServer(
    // Node checks the header and request timeouts every `connectionsCheckingInterval` (30 s by default).
    { requestTimeout: limits.requestTimeoutMs, headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: 1_000 },
    (req, res) => route(req, res, registry, options.health),
  );
  server.maxConnections = limits.maxConnections;
  // A scraper holding a connection open must not keep Ctrl-C waiting.
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // An idle socket (connected, nothing sent) is closed too, not only a slow request.
  server.timeout = limits.requestTimeoutMs;
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

function route(req: IncomingMessage, res: ServerResponse, registry: Registry, health: (() => HealthReport) | undefined): void {
  const path = (req.url ?? '').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('zk-lookout serves GET /metrics, /healthz and /\n');
    return;
  }
  if (path === '/metrics') {
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(tidyExposition(text)),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`),
    );
    return;
  }
  if (path === '/healthz') {
    const report = health?.() ?? { healthy: true, staleAfterSeconds: 0, ensembles: [] };
    res.writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(report)}\n`);
    return;
  }
  if (path === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LANDING_PAGE);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: zk-lookout serves GET /metrics, /healthz and /\n');
}
