import type { AlertLevel, ChangeKind, Evaluation, Transition } from '../../contract/transition.ts';
import { ALERT_MESSAGE_VERSION } from '../../contract/alert-message.ts';
import type { AlertChange, AlertMessage, Severity } from '../../contract/alert-message.ts';
import { truncateChars } from './escape.ts';

export interface AlertMessageOptions {
  /** Shown as buttons or links in every rendering. */
  links?: { dashboard?: string; runbook?: string };
  /** Deployment stage, passed to the silence command when not the default. */
  stage?: string;
  /** Where the pasted silence command writes, so it silences what this pipeline reads. */
  silenceTarget?: SilenceTarget;
}

/** The silences the pipeline reads: the SSM parameter of a stage (and region), or a local run config. */
export type SilenceTarget = { stage: string; region?: string } | { configFile: string };

export const TITLE_MAX_CHARS = 100;
/**
 * How long the suggested silence lasts: long enough to investigate, short enough to expire.
 * Relative, so the command works whenever it is pasted.
 */
export const SILENCE_SUGGESTION = '+2h';

const LEVEL_RANK: Record<AlertLevel, number> = { alarm: 0, warning: 1, info: 2 };
const CHANGE_RANK: Record<ChangeKind, number> = { fired: 0, reminder: 1, resolved: 2 };
const SEVERITY_LABEL: Record<Severity, string> = { alarm: 'ALARM', warning: 'WARNING', resolved: 'RESOLVED', info: 'INFO' };

/**
 * One message per ensemble evaluation, from the transitions a person should hear
 * about (`notify`); undefined when there are none. Changes are ordered most important
 * first: an active alarm before a warning before info, fired before reminder before
 * resolved.
 */
export function buildAlertMessage(evaluation: Evaluation, options: AlertMessageOptions = {}): AlertMessage | undefined {
  const notifiable = evaluation.transitions.filter((t) => t.notify).sort(byImportance);
  const top = notifiable[0];
  if (top === undefined) return undefined;
  const severity = severityOf(notifiable);
  const changes = notifiable.map(toChange);
  return {
    version: ALERT_MESSAGE_VERSION,
    ensembleName: evaluation.ensembleName,
    severity,
    kind: top.alertName,
    title: titleOf(severity, evaluation.ensembleName, top, notifiable.length - 1),
    roundId: evaluation.roundId,
    evaluatedAt: evaluation.evaluatedAt,
    changes,
    links: { ...(options.links?.dashboard ? { dashboard: options.links.dashboard } : {}), ...(options.links?.runbook ? { runbook: options.links.runbook } : {}) },
    silenceCommand: silenceCommand(evaluation, top, options.silenceTarget ?? (options.stage !== undefined ? { stage: options.stage } : undefined)),
  };
}

export function severityLabel(severity: Severity): string {
  return SEVERITY_LABEL[severity];
}

function byImportance(a: Transition, b: Transition): number {
  const active = (t: Transition) => (t.change === 'resolved' ? 1 : 0);
  return active(a) - active(b) || LEVEL_RANK[a.level] - LEVEL_RANK[b.level] || CHANGE_RANK[a.change] - CHANGE_RANK[b.change] || a.alertKey.localeCompare(b.alertKey);
}

/**
 * The highest level among changes still active; `resolved` only when every change is a
 * resolution, and `info` when every one of those resolved a notice: a subscription that
 * takes alarms and their resolutions never heard of the notice, so it must not hear its end.
 */
function severityOf(transitions: Transition[]): Severity {
  const active = transitions.filter((t) => t.change !== 'resolved');
  if (active.length === 0) return transitions.every((t) => t.level === 'info') ? 'info' : 'resolved';
  return active.reduce<AlertLevel>((best, t) => (LEVEL_RANK[t.level] < LEVEL_RANK[best] ? t.level : best), 'info');
}

function toChange(t: Transition): AlertChange {
  return {
    alertKey: t.alertKey,
    alertName: t.alertName,
    level: t.level,
    change: t.change,
    ...(t.server !== undefined ? { server: t.server } : {}),
    summary: t.summary,
    since: t.since,
    ...(t.probability !== undefined ? { probability: t.probability } : {}),
    signals: t.signals,
  };
}

function titleOf(severity: Severity, ensemble: string, top: Transition, others: number): string {
  const what = top.change === 'resolved' ? `${top.alertName} resolved` : top.summary;
  const more = others > 0 ? ` (+${others} more)` : '';
  const head = `[${SEVERITY_LABEL[severity]}] ${ensemble}: `;
  return truncateChars(`${head}${truncateChars(what.replace(/\s+/g, ' ').trim(), Math.max(10, TITLE_MAX_CHARS - head.length - more.length))}${more}`, TITLE_MAX_CHARS);
}

/**
 * The command that silences the most important change for two hours, ready to paste in
 * the zk-lookout checkout: `npx zk-lookout silence add --ensemble <name> [--server <addr>]
 * --alert <name> --until +2h --reason '…' (--stage <stage> [--region <r>] | --config <file>)`.
 * Values are shell-quoted.
 */
function silenceCommand(evaluation: Evaluation, top: Transition, target: SilenceTarget | undefined): string {
  const where =
    target === undefined
      ? []
      : 'configFile' in target
        ? [`--config ${shellQuote(target.configFile)}`]
        : [`--stage ${shellQuote(target.stage)}`, ...(target.region !== undefined ? [`--region ${shellQuote(target.region)}`] : [])];
  const args = [
    'npx zk-lookout silence add',
    `--ensemble ${shellQuote(evaluation.ensembleName)}`,
    ...(top.server !== undefined ? [`--server ${shellQuote(top.server)}`] : []),
    `--alert ${shellQuote(top.alertName)}`,
    `--until ${SILENCE_SUGGESTION}`,
    `--reason ${shellQuote(`investigating ${top.alertKey}`)}`,
    ...where,
  ];
  return args.join(' ');
}

/** POSIX single quotes unless the value is made only of characters no shell interprets. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9._:/@%+=,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
