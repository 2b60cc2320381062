/**
 * Settings as read from wherever they live (SSM, local files), before they are resolved
 * for one ensemble. Adapters fill it; `settingsFor` turns it into what evaluateRound takes.
 */
import type { EvaluationSettings } from './evaluate-round.ts';
import type { Silence } from '../../contract/silences.ts';
import { resolveThresholds, type ThresholdsDocument } from '../../contract/thresholds.ts';

export interface SettingsSnapshot {
  thresholds: ThresholdsDocument;
  silences: Silence[];
  configProblems: string[];
}

export function settingsFor(snapshot: SettingsSnapshot, ensembleName: string): EvaluationSettings {
  return {
    thresholds: resolveThresholds(snapshot.thresholds, ensembleName),
    silences: snapshot.silences,
    configProblems: snapshot.configProblems,
  };
}
