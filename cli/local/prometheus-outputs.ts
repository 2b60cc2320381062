/**
 * What `zk-lookout run` gives a Prometheus shop: `/metrics` and Alertmanager posts, both
 * fed from each tick. Ticks are handled one after another (each needs the state the
 * previous one committed) while the pipeline goes on probing; `close` waits for the last.
 */
import type { ResultsTable } from '../../functions/adapters/results-table.ts';
import { AlertmanagerSync } from './alertmanager-sync.ts';
import type { LocalConfig } from './local-config.ts';
import type { EnsembleTick } from './local-pipeline.ts';
import { LookoutMetrics, serveMetrics, type MetricsEndpoint } from './metrics-server.ts';
import { RoundRisks } from './round-risks.ts';

export interface PrometheusOutputsOptions {
  config: LocalConfig;
  table: Pick<ResultsTable, 'getState'>;
  /** Where to serve `/metrics`; absent serves nothing. */
  metrics?: { host: string; port: number };
  /** A problem worth telling the person running it (Alertmanager unreachable, …). */
  warn(text: string): void;
}

export class PrometheusOutputs {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly risks: RoundRisks,
    private readonly metrics: LookoutMetrics | undefined,
    readonly endpoint: MetricsEndpoint | undefined,
    private readonly alertmanager: AlertmanagerSync | undefined,
    private readonly warn: (text: string) => void,
  ) {}

  /** Undefined when neither `/metrics` nor Alertmanager is configured. */
  static async start(options: PrometheusOutputsOptions): Promise<PrometheusOutputs | undefined> {
    const alertmanager = AlertmanagerSync.fromConfig(options.config);
    if (options.metrics === undefined && alertmanager === undefined) return undefined;
    const risks = new RoundRisks(options.config);
    for (const e of options.config.ensembles) risks.seed(e.name, (await options.table.getState(e.name))?.state);
    const metrics = options.metrics ? new LookoutMetrics() : undefined;
    const endpoint = metrics && options.metrics ? await serveMetrics(metrics.registry, options.metrics.host, options.metrics.port) : undefined;
    return new PrometheusOutputs(risks, metrics, endpoint, alertmanager, options.warn);
  }

  /** Queues one tick; never throws (a failure is warned about and the next tick tries again). */
  observe(ticks: EnsembleTick[]): void {
    this.queue = this.queue.then(() => this.handle(ticks)).catch((err: unknown) => this.warn(`metrics/Alertmanager: ${(err as Error).message}`));
  }

  private async handle(ticks: EnsembleTick[]): Promise<void> {
    const risks = await this.risks.assess(ticks);
    for (const tick of ticks) this.metrics?.record(tick, risks.get(tick.ensembleName));
    if (this.alertmanager === undefined) return;
    const alertmanager = this.alertmanager;
    await Promise.all(
      ticks.map(async (tick) => {
        const state = tick.outcome?.state;
        if (state === undefined) return;
        try {
          await alertmanager.sync(state, risks.get(tick.ensembleName)?.driving ?? [], new Date());
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
