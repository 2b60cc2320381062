/**
 * What `zk-lookout run` gives a Prometheus shop: `/metrics` and Alertmanager posts, both
 * fed from each tick (its round, the committed state and the evaluator's risk assessment).
 * Ticks are handled in order while the pipeline goes on probing; `close` waits for the last.
 */
import { AlertmanagerSync } from './alertmanager-sync.ts';
import type { LocalConfig } from './local-config.ts';
import type { EnsembleTick } from './local-pipeline.ts';
import { LookoutMetrics, serveMetrics, type MetricsEndpoint } from './metrics-server.ts';

export interface PrometheusOutputsOptions {
  config: LocalConfig;
  /** Where to serve `/metrics`; absent serves nothing. */
  metrics?: { host: string; port: number };
  /** A problem worth telling the person running it (Alertmanager unreachable, …). */
  warn(text: string): void;
}

export class PrometheusOutputs {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly metrics: LookoutMetrics | undefined,
    readonly endpoint: MetricsEndpoint | undefined,
    private readonly alertmanager: AlertmanagerSync | undefined,
    private readonly warn: (text: string) => void,
  ) {}

  /** Undefined when neither `/metrics` nor Alertmanager is configured. */
  static async start(options: PrometheusOutputsOptions): Promise<PrometheusOutputs | undefined> {
    const alertmanager = AlertmanagerSync.fromConfig(options.config);
    if (options.metrics === undefined && alertmanager === undefined) return undefined;
    const { config } = options;
    const metrics = options.metrics ? new LookoutMetrics({ ensembles: config.ensembles.map((e) => e.name), intervalSeconds: config.intervalSeconds }) : undefined;
    const endpoint = metrics && options.metrics ? await serveMetrics(metrics.registry, options.metrics.host, options.metrics.port, { health: () => metrics.health() }) : undefined;
    return new PrometheusOutputs(metrics, endpoint, alertmanager, options.warn);
  }

  /** Queues one tick; never throws (a failure is warned about and the next tick tries again). */
  observe(ticks: EnsembleTick[]): void {
    this.queue = this.queue.then(() => this.handle(ticks)).catch((err: unknown) => this.warn(`metrics/Alertmanager: ${(err as Error).message}`));
  }

  private async handle(ticks: EnsembleTick[]): Promise<void> {
    for (const tick of ticks) this.metrics?.record(tick, tick.outcome?.assessment);
    if (this.alertmanager === undefined) return;
    const alertmanager = this.alertmanager;
    await Promise.all(
      ticks.map(async (tick) => {
        const state = tick.outcome?.state;
        if (state === undefined) return;
        try {
          await alertmanager.sync(state, tick.outcome?.assessment?.driving ?? [], new Date());
          this.metrics?.alertmanagerPost(true);
        } catch (err) {
          this.metrics?.alertmanagerPost(false);
          this.warn(`Alertmanager (${tick.ensembleName}): ${(err as Error).message}; retrying next round`);
        }
      }),
    );
  }

  /** Waits for the queued ticks, then stops serving `/metrics`. */
  async close(): Promise<void> {
    await this.queue;
    await this.endpoint?.close();
  }
}
