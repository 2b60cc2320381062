/**
 * The alert lifecycle, purely: ok → pending → firing → resolved, per alert key.
 *
 * - A condition is `raise` (at or over its threshold), `hold` (between clearAt and warnAt:
 *   hysteresis keeps a firing alert firing but does not advance a pending one) or `clear`.
 * - `forRounds` consecutive raises fire an alert; any round short of that returns it to ok
 *   unannounced.
 * - A fired alert whose condition has `minFiringMs` stays firing at least that long.
 * - While firing, a reminder goes out every `repeatEvery` after the last notification.
 * - A resolved notice goes out when the episode was notified.
 * - Silences and inhibition suppress notifications, never the record: the transition is
 *   kept with `notify: false` and `silencedBy`/`inhibitedBy`. When the suppression ends
 *   while the alert still fires, the first notified `fired` of the episode goes out then.
 *
 * Each episode (fired … resolved) notifies `fired` at most once: `notified` in the record
 * remembers it, and a redelivered round never reaches here (evaluate-round skips it).
 */
import type { AlertRecord } from '../../contract/ensemble-state.ts';
import { describeSilence, matchSilence, type Silence } from '../../contract/silences.ts';
import { isoTime, parseIsoTime } from './iso-time.ts';
import {
  TRANSITION_VERSION,
  type AlertLevel,
  type AlertName,
  type ChangeKind,
  type DrivingSignal,
  type Transition,
} from '../../contract/transition.ts';

export type ConditionState = 'raise' | 'hold' | 'clear';

/** What one evaluation found for one alert key. */
export interface AlertCondition {
  alertKey: string;
  alertName: AlertName;
  level: AlertLevel;
  server?: string;
  state: ConditionState;
  /** Describes the problem when raised, the recovery when clear. */
  summary: string;
  forRounds: number;
  /** A fired alert stays firing at least this long (no flapping); 0 or absent: none. */
  minFiringMs?: number;
  probability?: number;
  signals: DrivingSignal[];
  /** An early warning's cause when this round brought no value for it: silences by signal still match. */
  cause?: { signal: string; server?: string };
  inhibitedBy?: string;
}

export interface LifecycleContext {
  ensembleName: string;
  roundId: string;
  now: Date;
  /** 0: no reminders. */
  repeatEveryMs: number;
  silences: readonly Silence[];
  /** Alert names this evaluation decides; a stored alert of such a name with no condition clears. */
  scope: readonly AlertName[];
}

/** The keys of the alerts an evaluation starts from (a set: most lookups are of keys that are not there). */
export type StoredKeys = ReadonlySet<string>;

/**
 * Whether a condition in `state` can change anything: one that is not raised, for a key
 * with no stored alert, has nothing to start, hold or clear (advanceAlerts passes it by).
 * Most conditions of a calm round are such, so producers given the stored keys ask this
 * before they write a summary and leave the condition out; without `stored` every
 * condition counts (a caller that wants the whole picture of a round).
 */
export function canChange(stored: StoredKeys | undefined, alertKey: string, state: ConditionState): boolean {
  return state === 'raise' || stored === undefined || stored.has(alertKey);
}

/** Consequences of a lost quorum: each would only repeat what quorum-lost already says. */
export const INHIBITED_BY_QUORUM_LOSS: readonly AlertName[] = ['server-down', 'server-not-serving', 'read-only', 'no-leader', 'canary-failed'];

/**
 * Marks the conditions a lost quorum inhibits, in place, and returns them. Conditions are
 * the evaluation's own, made for it by the producers, so nothing else sees them change;
 * a copy of each (objects of many shapes) cost more than its whole way through the
 * lifecycle.
 */
export function inhibit(conditions: AlertCondition[]): AlertCondition[] {
  const quorumLost = conditions.some((c) => c.alertName === 'quorum-lost' && c.state === 'raise');
  if (!quorumLost) return conditions;
  for (const c of conditions) if (INHIBITED_BY_QUORUM_LOSS.includes(c.alertName) && c.state !== 'clear') c.inhibitedBy = 'quorum-lost';
  return conditions;
}

const LEVEL_ORDER: Record<AlertLevel, number> = { alarm: 0, warning: 1, info: 2 };

export function advanceAlerts(
  previous: Readonly<Record<string, AlertRecord>>,
  conditions: readonly AlertCondition[],
  ctx: LifecycleContext,
): { alerts: Record<string, AlertRecord>; transitions: Transition[] } {
  const alerts: Record<string, AlertRecord> = { ...previous };
  const transitions: Transition[] = [];
  const stored = Object.values(previous).filter((r) => ctx.scope.includes(r.alertName));
  const seen = stored.length > 0 ? new Set(conditions.map((c) => c.alertKey)) : undefined;
  const gone = stored.filter((r) => !seen?.has(r.alertKey)).map(noLongerObserved);

  // One clock reading per evaluation: every record and transition of it carries the same time.
  const clock: Clock = { iso: isoTime(ctx.now.getTime()), ms: ctx.now.getTime() };
  for (const list of [conditions, gone]) {
    for (const condition of list) {
      const result = step(previous[condition.alertKey], condition, ctx, clock);
      if (result.record) alerts[condition.alertKey] = result.record;
      // Most conditions change nothing; deleting what is not there still costs a runtime call.
      else if (Object.hasOwn(alerts, condition.alertKey)) delete alerts[condition.alertKey];
      if (result.transition) transitions.push(result.transition);
    }
  }
  transitions.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.alertKey.localeCompare(b.alertKey));
  return { alerts, transitions };
}

/** `ctx.now` as the records and transitions write it, and in ms. */
interface Clock {
  iso: string;
  ms: number;
}

type StepResult = { record?: AlertRecord; transition?: Transition };
const NO_CHANGE: Readonly<StepResult> = Object.freeze({});

function step(
  record: AlertRecord | undefined,
  c: AlertCondition,
  ctx: LifecycleContext,
  clock: Clock,
): StepResult {
  const starting = !record || record.status === 'pending';
  // Short of a raise, nothing starts (and a pending alert returns to ok): no silence needs matching. Most conditions of a round end here.
  if (starting && c.state !== 'raise') return NO_CHANGE;
  const now = clock.iso;
  const silencedBy = silenceOf(c, ctx);
  const suppressed = silencedBy !== undefined || c.inhibitedBy !== undefined;

  if (starting) {
    const pendingRounds = (record?.pendingRounds ?? 0) + 1;
    if (pendingRounds < c.forRounds) return { record: recordOf(c, 'pending', record?.since ?? now, pendingRounds, false, silencedBy) };
    const fired = recordOf(c, 'firing', now, pendingRounds, !suppressed, silencedBy);
    if (!suppressed) fired.lastNotifiedAt = now;
    return { record: fired, transition: makeTransition(c, ctx, clock, 'fired', now, !suppressed, silencedBy) };
  }

  const young = c.minFiringMs !== undefined && clock.ms - parseIsoTime(record.since) < c.minFiringMs;
  if (c.state === 'clear' && young) c = { ...c, state: 'hold', summary: record.summary };
  if (c.state === 'clear') {
    // An episode nobody was told about resolves quietly, naming what had held it back.
    const notify = record.notified && silencedBy === undefined;
    return { transition: makeTransition(c, ctx, clock, 'resolved', record.since, notify, silencedBy ?? record.silencedBy, c.inhibitedBy ?? record.inhibitedBy) };
  }

  const next = recordOf(c, 'firing', record.since, record.pendingRounds, record.notified, silencedBy);
  if (record.lastNotifiedAt) next.lastNotifiedAt = record.lastNotifiedAt;
  if (suppressed) return { record: next };
  if (!record.notified) {
    next.notified = true;
    next.lastNotifiedAt = now;
    return { record: next, transition: makeTransition(c, ctx, clock, 'fired', record.since, true, silencedBy) };
  }
  const last = record.lastNotifiedAt ? parseIsoTime(record.lastNotifiedAt) : Number.NEGATIVE_INFINITY;
  // An info notice (a blind spot) is told once per episode: reminders are for trouble.
  const repeatEveryMs = c.level === 'info' ? 0 : ctx.repeatEveryMs;
  if (repeatEveryMs > 0 && clock.ms - last >= repeatEveryMs) {
    next.lastNotifiedAt = now;
    return { record: next, transition: makeTransition(c, ctx, clock, 'reminder', record.since, true, silencedBy) };
  }
  return { record: next };
}

function recordOf(
  c: AlertCondition,
  status: AlertRecord['status'],
  since: string,
  pendingRounds: number,
  notified: boolean,
  silencedBy: string | undefined,
): AlertRecord {
  const record: AlertRecord = { alertKey: c.alertKey, alertName: c.alertName, level: c.level, status, since, pendingRounds, notified, summary: c.summary };
  if (c.server) record.server = c.server;
  if (silencedBy) record.silencedBy = silencedBy;
  if (c.inhibitedBy) record.inhibitedBy = c.inhibitedBy;
  return record;
}

/**
 * A one-off notice (a configuration change): told once as `fired` and never held as an
 * alert, so it has no lifecycle; silences apply to it as to any alert.
 */
export function announce(notice: AlertCondition, since: string, ctx: LifecycleContext): Transition {
  const silencedBy = silenceOf(notice, ctx);
  return makeTransition(notice, ctx, { iso: isoTime(ctx.now.getTime()), ms: ctx.now.getTime() }, 'fired', since, silencedBy === undefined, silencedBy);
}

/** The silence that holds back this condition's notifications, described; undefined when none does. */
function silenceOf(c: AlertCondition, ctx: LifecycleContext): string | undefined {
  if (ctx.silences.length === 0) return undefined;
  const silence = matchSilence(ctx.silences, { ensembleName: ctx.ensembleName, alertName: c.alertName, server: c.server, signals: c.signals.length > 0 || !c.cause ? c.signals : [c.cause] }, ctx.now);
  return silence ? describeSilence(silence) : undefined;
}

/** A stored alert in scope that no condition of this evaluation speaks for: it clears. */
function noLongerObserved(r: AlertRecord): AlertCondition {
  const c: AlertCondition = { alertKey: r.alertKey, alertName: r.alertName, level: r.level, state: 'clear', summary: `${r.alertKey} no longer observed`, forRounds: 1, signals: [] };
  if (r.server) c.server = r.server;
  return c;
}

function makeTransition(
  c: AlertCondition,
  ctx: LifecycleContext,
  clock: Clock,
  change: ChangeKind,
  since: string,
  notify: boolean,
  silencedBy: string | undefined,
  inhibitedBy = c.inhibitedBy,
): Transition {
  const t: Transition = {
    version: TRANSITION_VERSION,
    ensembleName: ctx.ensembleName,
    alertKey: c.alertKey,
    alertName: c.alertName,
    level: c.level,
    change,
    summary: c.summary,
    since,
    at: clock.iso,
    roundId: ctx.roundId,
    signals: c.signals,
    notify,
  };
  if (c.server) t.server = c.server;
  if (c.probability !== undefined) t.probability = c.probability;
  if (!notify && silencedBy) t.silencedBy = silencedBy;
  if (!notify && inhibitedBy) t.inhibitedBy = inhibitedBy;
  return t;
}
