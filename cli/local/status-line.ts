import { significant } from '../format-number.ts';
import type { EnsembleTick } from './local-pipeline.ts';

/** One line per ensemble per tick: what a person watching the terminal needs at a glance. */
export function statusLine(tick: EnsembleTick, at: Date): string {
  const time = at.toISOString().slice(11, 19);
  const parts = [`${time} ${tick.ensembleName}:`];
  const round = tick.round;
  if (round) {
    const e = round.ensemble;
    parts.push(`${e.serving}/${e.size} serving`, `${e.leaderCount} leader${e.leaderCount === 1 ? '' : 's'}`, `quorum ${e.hasQuorum ? 'ok' : 'LOST'}`);
    if (round.canary) parts.push(round.canary.ok ? `canary ${Math.round(round.canary.totalMs)} ms` : `canary FAILED (${round.canary.error?.kind})`);
    parts.push(`round ${round.durationMs} ms`);
  }
  const state = tick.outcome?.state;
  if (state) {
    if (state.lastProbability !== undefined) parts.push(`warning p=${significant(state.lastProbability, 2)}`);
    const firing = Object.values(state.alerts).filter((a) => a.status === 'firing');
    parts.push(firing.length === 0 ? 'no alerts' : `firing: ${firing.map((a) => a.alertKey).join(', ')}`);
  }
  if (tick.error) parts.push(`ERROR ${tick.error}`);
  return parts.join('  ');
}
