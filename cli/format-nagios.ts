/**
 * One evaluation as a Nagios plugin line: `ZK-LOOKOUT <STATUS> - <summary> | <perfdata>`,
 * with the plugin exit code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
 */
import type { EnsembleState } from '../functions/core/evaluate/ensemble-state.ts';
import type { ResolvedThresholds } from '../functions/core/evaluate/thresholds.ts';
import type { ProbeRound } from '../functions/core/probe/probe-round.ts';
import { terminalSafe } from '../functions/core/text/terminal-safe.ts';

export const NagiosStatus = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
export type NagiosStatus = keyof typeof NagiosStatus;

export interface NagiosResult {
  status: NagiosStatus;
  line: string;
}

/** Firing alarms are CRITICAL; firing warnings (or two leaders seen in this one round) WARNING. */
export function nagiosResult(round: ProbeRound, state: EnsembleState, thresholds: ResolvedThresholds): NagiosResult {
  const firing = Object.values(state.alerts).filter((a) => a.status === 'firing');
  const alarms = firing.filter((a) => a.level === 'alarm');
  const warnings = firing.filter((a) => a.level !== 'alarm');
  const e = round.ensemble;
  const probability = state.lastProbability ?? 0;

  let status: NagiosStatus = 'OK';
  let summary = `${e.serving}/${e.size} serving, ${e.leaderCount === 1 ? `leader ${e.leaders[0]}` : e.standalone ? 'standalone' : `${e.leaderCount} leaders`}, warning probability ${probability}`;
  if (alarms.length > 0) {
    status = 'CRITICAL';
    // The cause first; alarms it inhibits are counted, not repeated.
    const causes = alarms.filter((a) => !a.inhibitedBy);
    const consequences = alarms.length - causes.length;
    summary = causes.map((a) => a.summary).join('; ') + (consequences > 0 ? ` (+${consequences} consequent alarm${consequences > 1 ? 's' : ''})` : '');
  } else if (warnings.length > 0 || e.leaderCount >= 2) {
    status = 'WARNING';
    const parts = warnings.map((a) => a.summary);
    if (e.leaderCount >= 2) parts.push(`${e.leaderCount} leaders in this round (${e.leaders.join(', ')}); a second round would make it an alarm`);
    summary = parts.join('; ');
  }

  const perf = [
    `leaders=${e.leaderCount};;;0`,
    `serving=${e.serving};;${e.quorumSize}:;0;${e.size}`,
    `quorum=${e.hasQuorum ? 1 : 0};;1:;0;1`,
    `warn_probability=${probability};${thresholds.warnAt};;0;1`,
    `probe_ms=${round.durationMs}ms;;;0`,
  ];
  if (round.canary) perf.push(`canary_ms=${round.canary.totalMs}ms;;;0`);
  return { status, line: `ZK-LOOKOUT ${status} - ${oneLine(summary)} | ${perf.join(' ')}` };
}

/** Nagios reads the first line only, and `|` starts the performance data. */
export function oneLine(text: string): string {
  // Split, not a `\s*\n\s*` pattern: that one is quadratic on a long run of blanks.
  return terminalSafe(text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0).join(' ').replaceAll('|', '/'));
}
