import type { ReplayComparison } from '../functions/core/evaluate/compare-replays.ts';
import type { AlertEpisode, EnsembleReplay } from '../functions/core/evaluate/replay.ts';

/** A backtest as a person reads it: per ensemble, each alert episode on one line; then the differences. */
export function formatBacktest(replays: readonly EnsembleReplay[], label: string): string {
  const lines: string[] = [];
  for (const r of replays) {
    lines.push(`${r.ensembleName}: ${r.rounds} rounds, ${r.episodes.length} alert episode(s) with ${label}`);
    for (const e of r.episodes) lines.push(`  ${episodeLine(e)}`);
  }
  return lines.join('\n');
}

export function formatComparison(c: ReplayComparison, labelA: string, labelB: string): string {
  const lines = [`${labelA} vs ${labelB}: ${c.same} identical, ${c.onlyInA.length} only with ${labelA}, ${c.onlyInB.length} only with ${labelB}, ${c.differentTiming.length} at different times`];
  for (const e of c.onlyInA) lines.push(`  only with ${labelA}: ${episodeLine(e)}`);
  for (const e of c.onlyInB) lines.push(`  only with ${labelB}: ${episodeLine(e)}`);
  for (const d of c.differentTiming) {
    const resolved = d.resolvedDeltaMs === undefined ? '' : `, resolved ${signed(d.resolvedDeltaMs)}`;
    lines.push(`  different timing: ${d.a.ensembleName} ${d.a.alertKey} fired ${d.a.firedAt} with ${labelA}; with ${labelB} fired ${signed(d.firedDeltaMs)}${resolved}`);
  }
  return lines.join('\n');
}

function episodeLine(e: AlertEpisode): string {
  const resolved = e.resolvedAt ? `resolved ${e.resolvedAt} (${seconds(Date.parse(e.resolvedAt) - Date.parse(e.firedAt))})` : 'still firing at the end';
  const quiet = e.notified ? '' : e.silencedBy ? `  [silenced by ${e.silencedBy}]` : e.inhibitedBy ? `  [inhibited by ${e.inhibitedBy}]` : '  [not notified]';
  return `${e.firedAt}  ${e.level.padEnd(7)} ${e.alertKey}  ${resolved}${quiet}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const signed = (ms: number) => `${ms >= 0 ? '+' : '-'}${seconds(Math.abs(ms))}`;
