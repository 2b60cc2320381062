/**
 * Each tick's per-signal risks for the metrics and Alertmanager targets. The evaluator
 * keeps only the combined probability, so the parts are recomputed from the state it
 * started from: the state committed by the previous tick (seeded from the store at start,
 * since in local mode this process is the only writer).
 */
import { loadLocalSettings } from '../../functions/adapters/file-settings.ts';
import type { RiskAssessment } from '../../functions/core/evaluate/assess-risk.ts';
import type { EnsembleState } from '../../functions/core/evaluate/ensemble-state.ts';
import { settingsFor } from '../../functions/core/evaluate/settings-snapshot.ts';
import { roundRisk } from '../../functions/core/metrics/round-risk.ts';
import type { LocalConfig } from './local-config.ts';
import type { EnsembleTick } from './local-pipeline.ts';

export class RoundRisks {
  private readonly previous = new Map<string, EnsembleState | undefined>();

  constructor(private readonly config: Pick<LocalConfig, 'thresholdsFile' | 'silencesFile'>) {}

  /** Remembers the state an ensemble's next evaluation starts from. */
  seed(ensembleName: string, state: EnsembleState | undefined): void {
    this.previous.set(ensembleName, state);
  }

  /** Risks per ensemble for ticks that have a round; then remembers their committed states. */
  async assess(ticks: readonly EnsembleTick[]): Promise<Map<string, RiskAssessment>> {
    const snapshot = await loadLocalSettings(this.config.thresholdsFile, this.config.silencesFile);
    const out = new Map<string, RiskAssessment>();
    for (const tick of ticks) {
      if (tick.round === undefined) continue;
      out.set(tick.ensembleName, roundRisk(tick.round, this.previous.get(tick.ensembleName), settingsFor(snapshot, tick.ensembleName).thresholds));
      if (tick.outcome?.state) this.previous.set(tick.ensembleName, tick.outcome.state);
    }
    return out;
  }
}
