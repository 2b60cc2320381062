/**
 * The sweep, run on a schedule: every ensemble that should be reporting goes through
 * `sweepEnsemble` (probe-stale when no round came for STALE_INTERVALS intervals; any
 * outbox an interrupted evaluation left behind is published). One ensemble's failure does
 * not stop the others; the report lists it for the caller to fail on.
 */
import type { AlertMessage } from '../contract/alert-message.ts';
import type { SweepEnsemble } from '../contract/handler-environment.ts';
import { sweepEnsemble, type EvaluationPorts } from './evaluate-ensemble.ts';

export interface SweepReport {
  swept: number;
  /** Ensembles with probe-stale raised after this run. */
  stale: string[];
  published: number;
  /** `<ensemble>: <change> <alert key>` for what this run changed. */
  transitions: string[];
  failed: { ensemble: string; error: unknown }[];
  /** Messages dropped because they can never be published. */
  undeliverable: { ensemble: string; message: AlertMessage; error: string }[];
}

export async function sweepEnsembles(ensembles: readonly SweepEnsemble[], ports: EvaluationPorts): Promise<SweepReport> {
  const report: SweepReport = { swept: 0, stale: [], published: 0, transitions: [], failed: [], undeliverable: [] };
  for (const { name, intervalSeconds } of ensembles) {
    try {
      const outcome = await sweepEnsemble(name, intervalSeconds * 1000, ports);
      report.swept += 1;
      report.published += outcome.published.length;
      if (outcome.state?.alerts['probe-stale']) report.stale.push(name);
      for (const t of outcome.evaluation?.transitions ?? []) report.transitions.push(`${name}: ${t.change} ${t.alertKey}`);
      for (const dropped of outcome.undeliverable) report.undeliverable.push({ ensemble: name, ...dropped });
    } catch (error) {
      report.failed.push({ ensemble: name, error });
    }
  }
  return report;
}
