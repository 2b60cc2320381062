/**
 * The whole pipeline in one process: every interval, each ensemble is probed, its round
 * written to the embedded store and evaluated through the same outbox path as on AWS,
 * and messages go to the local notifier. A tick never throws: a failure is reported and
 * the next tick tries again, so an ensemble that vanishes and returns is simply watched.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { ResultsTable } from '../../functions/adapters/aws/results-table.ts';
import { loadLocalSettings } from '../../functions/adapters/local/file-settings.ts';
import { settingsFor } from '../../functions/core/evaluate/settings-snapshot.ts';
import type { EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { parseServerAddress } from '../../functions/contract/server-address.ts';
import { evaluateEnsembleRound, type AlertNotifier, type EnsembleOutcome } from '../../functions/app/evaluate-ensemble.ts';
import { probeAndStore, RoundNotStoredError, type ProbeAndStorePorts, type Prober } from '../../functions/app/probe-and-store.ts';
import type { ProbeTarget } from '../../functions/app/probe-options.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { silencesFileOf, type LocalConfig, type LocalEnsembleConfig } from './local-config.ts';

export interface EnsembleTick {
  ensembleName: string;
  /** The round as probed (held to the item budget); the evaluation reads the stored, compacted one. */
  round?: ProbeRound;
  outcome?: EnsembleOutcome;
  /** What went wrong in this tick for this ensemble (store, evaluation, delivery). */
  error?: string;
  /** Time spent evaluating the round and delivering its alerts. */
  evaluationMs?: number;
}

export interface LocalPipelineOptions {
  config: LocalConfig;
  table: ResultsTable;
  notifier: AlertNotifier;
  clock?: () => Date;
  /** The config file, absolute: the silence command pasted from an alert edits its silences. */
  configPath?: string;
  /** @default the ZooKeeper adapter's `probeEnsemble` */
  prober?: Prober;
}

export class LocalPipeline {
  private readonly targets: ProbeTarget[];
  private readonly clock: () => Date;
  private readonly probePorts: ProbeAndStorePorts;
  ticks = 0;

  constructor(private readonly options: LocalPipelineOptions) {
    const clock = options.clock ?? (() => new Date());
    this.clock = clock;
    this.targets = options.config.ensembles.map(targetOf);
    this.probePorts = { prober: options.prober ?? probeEnsemble, rounds: options.table, clock: { now: clock, sleep: (ms) => delay(ms) } };
  }

  /** One round of every ensemble, concurrently; resolves when all are evaluated. */
  async tick(): Promise<EnsembleTick[]> {
    const scheduledAt = this.clock();
    this.ticks++;
    const snapshot = await loadLocalSettings(this.options.config.thresholdsFile, silencesFileOf(this.options.config));
    return Promise.all(this.targets.map((t) => this.tickOne(t, scheduledAt, settingsFor(snapshot, t.name))));
  }

  private async tickOne(target: ProbeTarget, scheduledAt: Date, settings: EvaluationSettings): Promise<EnsembleTick> {
    const name = target.name;
    let round: ProbeRound | undefined;
    try {
      // Stored exactly as the probe Lambda stores it, and evaluated as the evaluator reads it back.
      // One slot, so exactly one round.
      const probed = (await probeAndStore(target, { scheduledTime: scheduledAt }, this.probePorts)).rounds[0]!;
      round = probed.round;
      const evaluationStarted = performance.now();
      const outcome = await evaluateEnsembleRound(probed.stored, {
        store: this.options.table,
        settings: async () => settings,
        notifier: this.options.notifier,
        clock: this.clock,
        messageOptions: { links: this.options.config.links, ...(this.options.configPath ? { silenceTarget: { configFile: this.options.configPath } } : {}) },
      });
      return { ensembleName: name, round, outcome, evaluationMs: performance.now() - evaluationStarted };
    } catch (err) {
      round ??= err instanceof RoundNotStoredError ? err.round : undefined;
      return { ensembleName: name, ...(round ? { round } : {}), error: (err as Error).message };
    }
  }

  /** Ticks every interval until the signal aborts; the tick under way is finished first. */
  async run(signal: AbortSignal, onTick: (ticks: EnsembleTick[]) => void): Promise<void> {
    const intervalMs = this.options.config.intervalSeconds * 1000;
    while (!signal.aborted) {
      const started = Date.now();
      onTick(await this.tick());
      const wait = Math.max(0, intervalMs - (Date.now() - started));
      await sleep(wait, signal);
    }
  }
}

function targetOf(config: LocalEnsembleConfig): ProbeTarget {
  const ports = config.adminPorts ?? [];
  const servers = config.servers.map((text, i) => {
    const address = parseServerAddress(text);
    const adminPort = ports.length === 1 ? ports[0] : ports[i];
    return adminPort === undefined ? address : { ...address, adminPort };
  });
  const digest = config.canary.digestFile ? readFileSync(config.canary.digestFile, 'utf8').trim() : undefined;
  return {
    name: config.name,
    servers,
    timeoutMs: config.timeoutMs,
    tls: config.tls,
    ...(config.words ? { words: config.words } : {}),
    ...(config.canary.enabled ? { canary: { ...(config.canary.root ? { root: config.canary.root } : {}), ...(digest ? { digest } : {}), znodeRules: config.znodeRules } } : {}),
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
