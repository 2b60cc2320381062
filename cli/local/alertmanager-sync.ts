/**
 * Local mode's Alertmanager target. It follows the committed state rather than the
 * messages: each round every firing alert (not silenced or inhibited by zk-lookout) is
 * posted again with `endsAt` a horizon ahead, so Alertmanager keeps it while zk-lookout
 * runs and resolves it by itself if zk-lookout stops; an alert posted before that is no
 * longer firing is posted once more with `endsAt` = now. A failed post is simply repeated
 * the next round (nothing is marked done until Alertmanager accepted it).
 */
import { readFileSync } from 'node:fs';
import { endedAlert, firingAlertsFromState, type PostableAlert } from '../../functions/core/deliver/alertmanager-alerts.ts';
import type { EnsembleState } from '../../functions/contract/ensemble-state.ts';
import type { DrivingSignal } from '../../functions/contract/transition.ts';
import { parseAlertmanagerAuth, AlertmanagerAuthError } from '../../functions/adapters/alertmanager/alertmanager-auth.ts';
import { sendAlerts, type AlertmanagerTarget, type SendResult } from '../../functions/adapters/alertmanager/post-alerts.ts';
import type { LocalConfig } from './local-config.ts';

/** Horizon when the config gives none: a missed round or two must not resolve anything. */
export const DEFAULT_HORIZON_INTERVALS = 3;
export const MIN_HORIZON_MS = 60_000;

export interface AlertmanagerSyncOptions {
  target: AlertmanagerTarget;
  endsAfterMs: number;
  links: LocalConfig['links'];
  /** Time for one round's requests, retries included. */
  budgetMs: number;
}

export class AlertmanagerSync {
  /** Per ensemble, the alerts Alertmanager last accepted as firing, by alert key. */
  private readonly posted = new Map<string, Map<string, PostableAlert>>();

  constructor(private readonly options: AlertmanagerSyncOptions) {}

  static fromConfig(config: LocalConfig): AlertmanagerSync | undefined {
    const am = config.alertmanager;
    if (am === undefined) return undefined;
    const intervalMs = config.intervalSeconds * 1000;
    return new AlertmanagerSync({
      target: { url: am.url, ...(am.authFile !== undefined ? { auth: readAuthFile(am.authFile) } : {}) },
      endsAfterMs: am.endsAfterSeconds !== undefined ? am.endsAfterSeconds * 1000 : Math.max(MIN_HORIZON_MS, DEFAULT_HORIZON_INTERVALS * intervalMs),
      links: config.links,
      budgetMs: Math.min(30_000, Math.max(2_000, intervalMs)),
    });
  }

  /** Posts the ensemble's firing alerts and ends the ones that stopped firing; throws when Alertmanager refused. */
  async sync(state: EnsembleState, driving: readonly DrivingSignal[], now: Date): Promise<SendResult & { ended: number }> {
    const at = now.toISOString();
    const firing = firingAlertsFromState(state, driving, { links: this.options.links, at, endsAfterMs: this.options.endsAfterMs });
    const current = new Map(firing.map((f) => [f.alertKey, f.alert]));
    const before = this.posted.get(state.ensembleName) ?? new Map<string, PostableAlert>();
    const ended = [...before].filter(([key]) => !current.has(key)).map(([, alert]) => endedAlert(alert, at));
    const result = await sendAlerts(this.options.target, [...current.values(), ...ended], {
      deadlineMs: Date.now() + this.options.budgetMs,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      attemptTimeoutMs: Math.min(5_000, this.options.budgetMs),
    });
    this.posted.set(state.ensembleName, current);
    return { ...result, ended: ended.length };
  }
}

function readAuthFile(path: string) {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AlertmanagerAuthError(`alertmanager.authFile ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseAlertmanagerAuth(raw, `alertmanager.authFile ${path}`);
}
