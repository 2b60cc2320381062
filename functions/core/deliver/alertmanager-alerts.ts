/**
 * zk-lookout's alerts as Alertmanager API v2 postable alerts (`POST /api/v2/alerts`), so
 * a team's own routes, inhibitions and silences apply to them.
 *
 * Labels (the alert's identity in Alertmanager): `alertname` (zk-lookout's alert name,
 * e.g. `quorum-lost`), `ensemble`, `server` (per-server alerts only), `severity`
 * (`critical | warning | info`: the words Alertmanager routes conventionally match on),
 * `level` (zk-lookout's own word: `alarm | warning | info`), `source="zk-lookout"` (one
 * matcher for a route), and for `early-warning` the `signal` of its cause. An early
 * warning is one per cause (signal and server), so `signal` is part of its identity.
 *
 * Alertmanager resolves an alert by itself once `endsAt` passes, so a firing alert is
 * posted with `endsAt` a horizon ahead and must be re-posted before then; a resolved
 * one is posted with `endsAt` = the time it resolved.
 */
import type { AlertLevel, AlertName, DrivingSignal } from '../../contract/transition.ts';
import type { EnsembleState } from '../../contract/ensemble-state.ts';
import type { AlertMessage } from '../../contract/alert-message.ts';
import { percent, signalLine } from './describe-change.ts';

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

/** What Alertmanager's `GET /api/v2/alerts` returns per alert (the fields used here). */
export interface ActiveAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

export const ALERT_SOURCE = 'zk-lookout';

export const ALERTMANAGER_SEVERITY: Record<AlertLevel, string> = { alarm: 'critical', warning: 'warning', info: 'info' };

/** Labels that name one zk-lookout alert (`signal` only early warnings carry: their cause). */
const IDENTITY_LABELS = ['source', 'alertname', 'ensemble', 'server', 'signal'] as const;

/** One alert as both an `AlertChange` and a stored `AlertRecord` describe it. */
export interface AlertFacts {
  /** `early-warning:<signal>[:<server>]` names the cause even when a round brought no value for it. */
  alertKey?: string;
  alertName: AlertName;
  level: AlertLevel;
  server?: string;
  summary: string;
  /** When the alert started firing (ISO). */
  since: string;
  probability?: number;
  signals: readonly DrivingSignal[];
}

export interface AlertmanagerAlertOptions {
  links?: { dashboard?: string; runbook?: string };
  /** When this was decided (ISO): `endsAt` of a resolved alert, the base of the horizon otherwise. */
  at: string;
  /** How long a firing alert stays firing in Alertmanager without being posted again. */
  endsAfterMs: number;
}

/** A firing (`resolved: false`) or resolved alert. */
export function toPostableAlert(ensembleName: string, facts: AlertFacts, resolved: boolean, options: AlertmanagerAlertOptions): PostableAlert {
  const top = facts.alertName === 'early-warning' ? (facts.signals[0]?.signal ?? causeSignal(facts.alertKey)) : undefined;
  const labels: Record<string, string> = {
    alertname: facts.alertName,
    ensemble: ensembleName,
    ...(facts.server !== undefined ? { server: facts.server } : {}),
    severity: ALERTMANAGER_SEVERITY[facts.level],
    level: facts.level,
    source: ALERT_SOURCE,
    ...(top ? { signal: top } : {}),
  };
  const runbook = options.links?.runbook;
  const annotations: Record<string, string> = {
    summary: facts.summary,
    description: describe(ensembleName, facts),
    ...(runbook ? { runbook_url: runbook } : {}),
  };
  const at = Date.parse(options.at);
  return {
    labels,
    annotations,
    startsAt: facts.since,
    endsAt: resolved ? new Date(at).toISOString() : new Date(at + options.endsAfterMs).toISOString(),
    ...(options.links?.dashboard ? { generatorURL: options.links.dashboard } : {}),
  };
}

/** Every change of one message: fired and reminders as firing, resolutions as resolved. */
export function alertsFromMessage(message: AlertMessage, endsAfterMs: number): PostableAlert[] {
  const options = { links: message.links, at: message.evaluatedAt, endsAfterMs };
  return message.changes.map((change) => toPostableAlert(message.ensembleName, change, change.change === 'resolved', options));
}

/**
 * The alerts of a state that a person should hear about now: firing, and neither
 * silenced nor inhibited by zk-lookout (the same ones the messages would carry).
 * `signals` are this round's risks, highest first, for early-warning's `signal` label.
 */
export function firingAlertsFromState(
  state: EnsembleState,
  signals: readonly DrivingSignal[],
  options: AlertmanagerAlertOptions,
): { alertKey: string; alert: PostableAlert }[] {
  return Object.values(state.alerts)
    .filter((record) => record.status === 'firing' && record.silencedBy === undefined && record.inhibitedBy === undefined)
    .sort((a, b) => a.alertKey.localeCompare(b.alertKey))
    .map((record) => ({
      alertKey: record.alertKey,
      alert: toPostableAlert(
        state.ensembleName,
        { ...record, ...(record.alertName === 'early-warning' ? causeFacts(record.alertKey, state, signals) : { signals: [] }) },
        false,
        options,
      ),
    }));
}

/** The same alert, ended at `at`. */
export function endedAlert(alert: PostableAlert | ActiveAlert, at: string): PostableAlert {
  return {
    labels: alert.labels,
    annotations: alert.annotations ?? {},
    startsAt: alert.startsAt,
    endsAt: at,
    ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
  };
}

/**
 * Alerts active in Alertmanager that are the same zk-lookout alert as one being posted
 * but carry other labels (an early warning whose driving signal changed, a resolution
 * whose signals are gone): they are ended at `at`, or they would linger as duplicates
 * until their horizon.
 */
export function supersededAlerts(posting: readonly PostableAlert[], active: readonly ActiveAlert[], at: string): PostableAlert[] {
  const postingIdentities = new Set(posting.map((a) => identityOf(a.labels)));
  const postingLabelSets = new Set(posting.map((a) => labelSetOf(a.labels)));
  return active
    .filter((a) => a.labels.source === ALERT_SOURCE && postingIdentities.has(identityOf(a.labels)) && !postingLabelSets.has(labelSetOf(a.labels)))
    .map((a) => endedAlert(a, at));
}

/** Alertmanager matchers (`filter=` values) that select the active alerts `supersededAlerts` needs. */
export function matchersFor(posting: readonly PostableAlert[]): string[] {
  const quote = (v: string) => JSON.stringify(v);
  const ensembles = [...new Set(posting.map((a) => a.labels.ensemble ?? ''))];
  const names = [...new Set(posting.map((a) => a.labels.alertname ?? ''))];
  return [
    `source=${quote(ALERT_SOURCE)}`,
    ensembles.length === 1 ? `ensemble=${quote(ensembles[0]!)}` : `ensemble=~${quote(ensembles.map(escapeRegex).join('|'))}`,
    names.length === 1 ? `alertname=${quote(names[0]!)}` : `alertname=~${quote(names.map(escapeRegex).join('|'))}`,
  ];
}

function identityOf(labels: Record<string, string>): string {
  return JSON.stringify(IDENTITY_LABELS.map((name) => labels[name] ?? ''));
}

function labelSetOf(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The signal of an early warning's cause, from its key `early-warning:<signal>[:<server>]`. */
function causeSignal(alertKey: string | undefined): string | undefined {
  const match = alertKey ? /^early-warning:([a-z0-9-]+)/.exec(alertKey) : null;
  return match?.[1];
}

/** An early warning's own signal among this round's (the old single `early-warning` takes them all). */
function causeFacts(alertKey: string, state: EnsembleState, signals: readonly DrivingSignal[]): Pick<AlertFacts, 'probability' | 'signals'> {
  const signal = causeSignal(alertKey);
  if (signal === undefined) return { probability: state.lastProbability, signals };
  const own = signals.filter((s) => s.signal === signal && alertKey === `early-warning:${signal}${s.server !== undefined ? `:${s.server}` : ''}`);
  return own[0] ? { probability: own[0].risk, signals: own } : { signals: [] };
}

/** The same facts the messages give: the summary (a forecast's line already in it), then each signal with units. */
function describe(ensembleName: string, facts: AlertFacts): string {
  const lines = [`${facts.summary} (ensemble ${ensembleName}${facts.server !== undefined ? `, server ${facts.server}` : ''}, since ${facts.since})`];
  if (facts.probability !== undefined) lines.push(`${facts.alertName === 'early-warning' ? 'risk' : 'warning probability'} ${percent(facts.probability)}`);
  for (const s of facts.signals) lines.push(signalLine(s));
  return lines.join('\n');
}
