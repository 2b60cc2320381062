import type { ChangeKind, DrivingSignal, AlertLevel, AlertName } from './transition.ts';

/**
 * `AlertMessage`: one message per ensemble evaluation, built from the notifiable
 * transitions. It is what SNS carries (the `lambda` protocol gets it as JSON) and what
 * every chat provider renders, so it is versioned.
 */
export const ALERT_MESSAGE_VERSION = 1 as const;

/** SNS `severity` attribute: the highest level among the changes, or `resolved`. */
export const Severities = ['alarm', 'warning', 'resolved', 'info'] as const;
export type Severity = (typeof Severities)[number];

export interface AlertChange {
  alertKey: string;
  alertName: AlertName;
  level: AlertLevel;
  change: ChangeKind;
  server?: string;
  summary: string;
  since: string;
  probability?: number;
  signals: DrivingSignal[];
}

export interface AlertMessage {
  version: typeof ALERT_MESSAGE_VERSION;
  ensembleName: string;
  severity: Severity;
  /** The most important change's alert name: the SNS `kind` attribute. */
  kind: AlertName;
  /** ≤ 100 characters (it becomes the email subject). */
  title: string;
  roundId: string;
  evaluatedAt: string;
  changes: AlertChange[];
  links: { dashboard?: string; runbook?: string };
  /** The exact command that silences the most important change. */
  silenceCommand: string;
}
