/**
 * One evaluation as a Nagios plugin's output: the first line
 * `ZK-LOOKOUT <STATUS> - <worst problem and its cause> | <perfdata>`, then one line per
 * server (the plugin guidelines' long output), with the exit code 0 OK, 1 WARNING,
 * 2 CRITICAL, 3 UNKNOWN.
 */
import type { EnsembleState } from '../functions/contract/ensemble-state.ts';
import type { ResolvedThresholds } from '../functions/contract/thresholds.ts';
import type { AlertName } from '../functions/contract/transition.ts';
import { isServing, type ProbeRound, type ServerResult } from '../functions/contract/probe-round.ts';
import { terminalSafe } from '../functions/core/text/terminal-safe.ts';
import { milliseconds, significant } from './format-number.ts';

export const NagiosStatus = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
export type NagiosStatus = keyof typeof NagiosStatus;

export interface NagiosResult {
  status: NagiosStatus;
  /** The first line, with the performance data. */
  line: string;
  /** One line per server: mode, error, latency. */
  details: string[];
}

/** Alarms the headline already says through the servers it names and the quorum count. */
const SAID_BY_SERVERS: readonly AlertName[] = ['server-down', 'server-not-serving', 'quorum-lost'];

/** Firing alarms are CRITICAL; firing warnings (or two leaders seen in this one round) WARNING. */
export function nagiosResult(round: ProbeRound, state: EnsembleState, thresholds: ResolvedThresholds): NagiosResult {
  const firing = Object.values(state.alerts).filter((a) => a.status === 'firing');
  const alarms = firing.filter((a) => a.level === 'alarm');
  const warnings = firing.filter((a) => a.level !== 'alarm');
  const e = round.ensemble;
  const probability = state.lastProbability ?? 0;
  const down = round.servers.filter((s) => !isServing(s.mode));

  let status: NagiosStatus = 'OK';
  let summary = `${e.serving}/${e.size} serving, ${e.leaderCount === 1 ? `leader ${e.leaders[0]}` : e.standalone ? 'standalone' : `${e.leaderCount} leaders`}, warning probability ${significant(probability)}`;
  if (alarms.length > 0 || down.length > 0) {
    status = alarms.length > 0 || !e.hasQuorum ? 'CRITICAL' : 'WARNING';
    summary = criticalSummary(round, down, alarms.filter((a) => !a.inhibitedBy && !SAID_BY_SERVERS.includes(a.alertName)).map((a) => a.summary));
  } else if (warnings.length > 0 || e.leaderCount >= 2) {
    status = 'WARNING';
    const parts = warnings.map((a) => a.summary);
    if (e.leaderCount >= 2) parts.push(`${e.leaderCount} leaders in this round (${e.leaders.join(', ')}); a second round would make it an alarm`);
    summary = parts.join('; ');
  }

  const perf = [
    // Exactly one leader is normal; two is WARNING (one round), none CRITICAL. A standalone server has no leader.
    e.size > 1 ? `leaders=${e.leaderCount};1:1;1:;0` : `leaders=${e.leaderCount};;;0`,
    `serving=${e.serving};;${e.quorumSize}:;0;${e.size}`,
    `quorum=${e.hasQuorum ? 1 : 0};;1:;0;1`,
    `warn_probability=${significant(probability, 4)};${thresholds.warnAt};;0;1`,
    `probe_ms=${round.durationMs}ms;;;0`,
  ];
  if (round.canary) perf.push(`canary_ms=${round.canary.totalMs}ms;;;0`);
  return { status, line: `ZK-LOOKOUT ${status} - ${oneLine(summary)} | ${perf.join(' ')}`, details: round.servers.map(serverLine) };
}

/** `zk2:2181 connection-refused; quorum lost (1 of 3 serving)`; one server: `server down: zk1:2181 connection-refused`. */
function criticalSummary(round: ProbeRound, down: ServerResult[], otherAlarms: string[]): string {
  const e = round.ensemble;
  const named = down.map((s) => `${s.address} ${causeOf(s)}`).join(', ');
  if (e.size === 1 && down.length === 1) return [`server down: ${named}`, ...otherAlarms].join('; ');
  const count = `${e.serving} of ${e.size} serving`;
  const quorum = e.hasQuorum ? count : `quorum lost (${count})`;
  return [...(named ? [named] : []), quorum, ...otherAlarms].join('; ');
}

/** The error kind that decided the server's mode, with a name for DNS failures (a `network-error` to the probe). */
export function causeOf(server: ServerResult): string {
  const error = server.error;
  if (!error) return server.mode;
  if (error.kind === 'network-error' && /\b(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)\b/.test(error.message)) return 'dns-unresolved';
  return error.kind;
}

function serverLine(server: ServerResult): string {
  const parts = [`${server.address}: ${server.mode}`];
  if (server.error) parts.push(`${causeOf(server)} (${server.error.message})`);
  const latency = server.summary.latency;
  if (latency) parts.push(`latency min/avg/max ${milliseconds(latency.min)}/${milliseconds(latency.avg)}/${milliseconds(latency.max)} ms`);
  parts.push(`answered in ${milliseconds(server.durationMs)} ms`);
  return oneLine(parts.join(', '));
}

/** Nagios reads the first line only, and `|` starts the performance data. */
export function oneLine(text: string): string {
  // Split, not a `\s*\n\s*` pattern: that one is quadratic on a long run of blanks.
  return terminalSafe(text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0).join(' ').replaceAll('|', '/'));
}
