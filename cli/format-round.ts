import type { ProbeRound } from '../functions/contract/probe-round.ts';
import { terminalSafe } from '../functions/core/text/terminal-safe.ts';

/**
 * A round as a person reads it: one row per server, then the ensemble and the canary.
 * Every cell and line goes through `terminalSafe`: error text comes from the servers.
 */
export function formatRound(round: ProbeRound): string {
  return rawFormat(round)
    .split('\n')
    .map((line) => terminalSafe(line))
    .join('\n');
}

function rawFormat(round: ProbeRound): string {
  const rows = round.servers.map((s) => [
    s.address,
    s.mode,
    s.summary.zxid ?? '-',
    s.summary.latency ? `${s.summary.latency.avg}` : '-',
    s.summary.connections === undefined ? '-' : String(s.summary.connections),
    `${s.durationMs}`,
    s.error ? `${s.error.kind}: ${s.error.message}` : '',
  ]);
  const header = ['SERVER', 'MODE', 'ZXID', 'AVG-LAT', 'CONNS', 'MS', 'ERROR'];
  const table = [header, ...rows.map((r) => r.map((cell) => terminalSafe(cell)))];
  const widths = header.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  const lines = table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());

  const e = round.ensemble;
  lines.push(
    '',
    `ensemble ${round.ensembleName}: ${e.leaderCount} leader(s), ${e.serving}/${e.size} serving, quorum ${e.hasQuorum ? 'yes' : 'NO'} (needs ${e.quorumSize})` +
      (e.syncedFollowers === undefined ? '' : `, ${e.syncedFollowers} synced follower(s)`) +
      (e.zxidSpread === undefined ? '' : `, zxid spread ${e.zxidSpread}`) +
      (e.epoch === undefined ? '' : `, epoch ${e.epoch}`),
  );
  if (round.canary) {
    const c = round.canary;
    const steps = Object.entries(c.steps).map(([k, v]) => `${k} ${v} ms`).join(', ');
    lines.push(c.ok ? `canary ok in ${c.totalMs} ms (${steps})` : `canary FAILED at ${c.error?.step}: ${c.error?.kind}: ${c.error?.message}`);
  }
  lines.push(`round ${round.roundId} took ${round.durationMs} ms (deadline ${round.timeoutMs} ms per server)`);
  return lines.join('\n');
}
