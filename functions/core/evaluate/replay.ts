/**
 * Backtesting, purely: stored rounds replayed through `evaluateRound` from an empty state,
 * per ensemble in round-time order, with the round's own time as "now" (so silences and
 * reminders behave as they would have then). It returns the alert episodes that would have
 * fired and resolved, and what a report charts: the warning probability per round and the
 * values of the signals that drove it most.
 */
import { evaluateRound, type EvaluationSettings } from './evaluate-round.ts';
import type { EnsembleState } from '../../contract/ensemble-state.ts';
import { settingsFor } from './settings-snapshot.ts';
import type { Silence } from '../../contract/silences.ts';
import type { ThresholdsDocument } from '../../contract/thresholds.ts';
import type { AlertLevel, AlertName, Transition } from '../../contract/transition.ts';
import type { ProbeRound } from '../../contract/probe-round.ts';

/** Signal series kept for the report: the ones with the highest risk seen. */
export const REPLAY_TOP_SIGNALS = 4;

/** One alert from `fired` to `resolved` (open when the rounds ended first). */
export interface AlertEpisode {
  ensembleName: string;
  alertKey: string;
  alertName: AlertName;
  level: AlertLevel;
  server?: string;
  firedAt: string;
  resolvedAt?: string;
  /** Whether a person would have been told; false while a silence or an inhibiting alarm held it back. */
  notified: boolean;
  /** When the notification would have gone out (later than `firedAt` when a suppression ended mid-episode). */
  notifiedAt?: string;
  silencedBy?: string;
  inhibitedBy?: string;
  summary: string;
}

/** One signal on one server (or ensemble-wide) over the replay: `[epoch ms, value, risk]`. */
export interface SignalSeries {
  signal: string;
  server?: string;
  /** The warning curve in force (ν, τ) and the highest risk the series reached. */
  nu: number;
  tau: number;
  maxRisk: number;
  points: [number, number, number][];
}

export interface EnsembleReplay {
  ensembleName: string;
  rounds: number;
  /** Warning thresholds in force, for the chart's guide lines. */
  warnAt: number;
  clearAt: number;
  /** `[epoch ms, warning probability]` per round. */
  probability: [number, number][];
  /** The REPLAY_TOP_SIGNALS series with the highest risk, highest first. */
  signals: SignalSeries[];
  episodes: AlertEpisode[];
  /** Every transition, in round order (reminders included). */
  transitions: Transition[];
}

export interface ReplaySettings {
  thresholds: ThresholdsDocument;
  silences?: readonly Silence[];
}

/** Rounds in any order and of any ensembles; one replay per ensemble, by name. */
export function replayRounds(rounds: readonly ProbeRound[], settings: ReplaySettings): EnsembleReplay[] {
  const byEnsemble = new Map<string, ProbeRound[]>();
  for (const round of rounds) byEnsemble.set(round.ensembleName, [...(byEnsemble.get(round.ensembleName) ?? []), round]);
  return [...byEnsemble.keys()].sort().map((name) => replayEnsemble(name, byEnsemble.get(name) as ProbeRound[], settings));
}

function replayEnsemble(ensembleName: string, rounds: ProbeRound[], settings: ReplaySettings): EnsembleReplay {
  const evaluation: EvaluationSettings = settingsFor({ thresholds: settings.thresholds, silences: [...(settings.silences ?? [])], configProblems: [] }, ensembleName);
  const ordered = [...rounds].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || a.roundId.localeCompare(b.roundId));
  const probability: [number, number][] = [];
  const series = new Map<string, SignalSeries>();
  const transitions: Transition[] = [];
  let state: EnsembleState | undefined;
  for (const round of ordered) {
    const at = Date.parse(round.startedAt);
    const before = state;
    const result = evaluateRound(before, round, evaluation, new Date(at));
    state = result.state;
    // A repeated or out-of-order round: evaluateRound decided nothing, so there is nothing to chart.
    if (result.state.lastRoundAt === before?.lastRoundAt) continue;
    // Every signal's part in this round, as evaluateRound assessed it.
    const risk = result.assessment;
    if (!risk) continue;
    probability.push([at, risk.probability]);
    for (const s of risk.signals) {
      const key = `${s.server ?? '*'}|${s.signal}`;
      const entry = series.get(key) ?? { signal: s.signal, ...(s.server ? { server: s.server } : {}), nu: s.nu, tau: s.tau, maxRisk: 0, points: [] };
      entry.points.push([at, s.value, s.risk]);
      entry.maxRisk = Math.max(entry.maxRisk, s.risk);
      series.set(key, entry);
    }
    transitions.push(...result.evaluation.transitions);
  }
  const thresholds = evaluation.thresholds;
  return {
    ensembleName,
    rounds: ordered.length,
    warnAt: thresholds.warnAt,
    clearAt: thresholds.clearAt,
    probability,
    signals: [...series.values()].sort((a, b) => b.maxRisk - a.maxRisk || a.signal.localeCompare(b.signal)).slice(0, REPLAY_TOP_SIGNALS),
    episodes: episodesOf(transitions),
    transitions,
  };
}

/** Transitions folded into episodes: `fired` opens one, a later notified `fired` marks when it was told, `resolved` closes it. */
export function episodesOf(transitions: readonly Transition[]): AlertEpisode[] {
  const episodes: AlertEpisode[] = [];
  const open = new Map<string, AlertEpisode>();
  for (const t of transitions) {
    const current = open.get(t.alertKey);
    if (t.change === 'fired' && current === undefined) {
      const episode: AlertEpisode = {
        ensembleName: t.ensembleName,
        alertKey: t.alertKey,
        alertName: t.alertName,
        level: t.level,
        firedAt: t.since,
        notified: t.notify,
        summary: t.summary,
      };
      if (t.server !== undefined) episode.server = t.server;
      if (t.notify) episode.notifiedAt = t.at;
      if (t.silencedBy !== undefined) episode.silencedBy = t.silencedBy;
      if (t.inhibitedBy !== undefined) episode.inhibitedBy = t.inhibitedBy;
      episodes.push(episode);
      open.set(t.alertKey, episode);
    } else if (t.change === 'fired' && current && t.notify && !current.notified) {
      current.notified = true;
      current.notifiedAt = t.at;
    } else if (t.change === 'resolved' && current) {
      current.resolvedAt = t.at;
      open.delete(t.alertKey);
    }
  }
  return episodes;
}
