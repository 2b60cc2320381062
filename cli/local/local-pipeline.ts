/**
 * The whole pipeline in one process: every interval, each ensemble is probed, its round
 * written to the embedded store and evaluated through the same outbox path as on AWS,
 * and messages go to the local notifier. A tick never throws: a failure is reported and
 * the next tick tries again, so an ensemble that vanishes and returns is simply watched.
 */
import { readFileSync } from 'node:fs';
import type { ResultsTable } from '../../functions/adapters/aws/results-table.ts';
import { loadLocalSettings } from '../../functions/adapters/local/file-settings.ts';
import { settingsFor } from '../../functions/core/evaluate/settings-snapshot.ts';
import type { EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { fitRoundToBudget } from '../../functions/core/probe/round-budget.ts';
import { roundIdOf } from '../../functions/core/probe/round-slots.ts';
import { parseServerAddress, type ServerAddress } from '../../functions/contract/server-address.ts';
import { evaluateEnsembleRound, type AlertNotifier, type EnsembleOutcome } from '../../functions/app/evaluate-ensemble.ts';
import { probeEnsemble, type ProbeOptions } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { silencesFileOf, type LocalConfig, type LocalEnsembleConfig } from './local-config.ts';

export interface EnsembleTick {
  ensembleName: string;
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
}

interface Target {
  config: LocalEnsembleConfig;
  servers: ServerAddress[];
  probe: ProbeOptions;
}

export class LocalPipeline {
  private readonly targets: Target[];
  private readonly clock: () => Date;
  ticks = 0;

  constructor(private readonly options: LocalPipelineOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.targets = options.config.ensembles.map(targetOf);
  }

  /** One round of every ensemble, concurrently; resolves when all are evaluated. */
  async tick(): Promise<EnsembleTick[]> {
    const scheduledAt = this.clock();
    this.ticks++;
    const snapshot = await loadLocalSettings(this.options.config.thresholdsFile, silencesFileOf(this.options.config));
    return Promise.all(this.targets.map((t) => this.tickOne(t, scheduledAt, settingsFor(snapshot, t.config.name))));
  }

  private async tickOne(target: Target, scheduledAt: Date, settings: EvaluationSettings): Promise<EnsembleTick> {
    const name = target.config.name;
    // Held to the stored item's budget, as on AWS: a round too big to store is never evaluated.
    const round = fitRoundToBudget(await probeEnsemble(target.servers, { ...target.probe, roundId: roundIdOf(name, scheduledAt) }));
    try {
      await this.options.table.putRound(round, scheduledAt);
      const evaluationStarted = performance.now();
      const outcome = await evaluateEnsembleRound(round, {
        store: this.options.table,
        settings: async () => settings,
        notifier: this.options.notifier,
        clock: this.clock,
        messageOptions: { links: this.options.config.links, ...(this.options.configPath ? { silenceTarget: { configFile: this.options.configPath } } : {}) },
      });
      return { ensembleName: name, round, outcome, evaluationMs: performance.now() - evaluationStarted };
    } catch (err) {
      return { ensembleName: name, round, error: (err as Error).message };
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

function targetOf(config: LocalEnsembleConfig): Target {
  const ports = config.adminPorts ?? [];
  const servers = config.servers.map((text, i) => {
    const address = parseServerAddress(text);
    const adminPort = ports.length === 1 ? ports[0] : ports[i];
    return adminPort === undefined ? address : { ...address, adminPort };
  });
  const digest = config.canary.digestFile ? readFileSync(config.canary.digestFile, 'utf8').trim() : undefined;
  return {
    config,
    servers,
    probe: {
      ensembleName: config.name,
      timeoutMs: config.timeoutMs,
      tls: config.tls,
      ...(config.words ? { words: config.words } : {}),
      ...(config.canary.enabled
        ? { canary: { ...(config.canary.root ? { root: config.canary.root } : {}), ...(digest ? { digest } : {}), znodeRules: config.znodeRules } }
        : {}),
    },
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
