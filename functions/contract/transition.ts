/**
 * What the evaluator decides and delivery consumes. A `Transition` stays in the process
 * that decided it: what is stored (the state item's outbox) and published is the
 * `AlertMessage` built from the notifiable ones, whose version covers its `changes`
 * (`read-alert-message.ts`).
 */
export const TRANSITION_VERSION = 1 as const;

/** 预警 warning: trouble is coming; 报警 alarm: trouble is here; info: a notice. */
export const AlertLevels = ['alarm', 'warning', 'info'] as const;
export type AlertLevel = (typeof AlertLevels)[number];

/** Lifecycle of one alert (one `alertKey` of one ensemble). */
export const AlertStatuses = ['ok', 'pending', 'firing'] as const;
export type AlertStatus = (typeof AlertStatuses)[number];

/** What happened to an alert in one evaluation that a person may need to hear about. */
export const ChangeKinds = ['fired', 'reminder', 'resolved'] as const;
export type ChangeKind = (typeof ChangeKinds)[number];

/** Names of the alerts zk-lookout raises. Alarms fire at once; warnings use the model. */
export const AlertNames = [
  'server-down',
  'server-not-serving',
  'no-leader',
  'two-leaders',
  'quorum-lost',
  'read-only',
  'canary-failed',
  'probe-stale',
  /** One per cause: `early-warning:<signal>` or `early-warning:<signal>:<server>`. */
  'early-warning',
  'config-invalid',
  /** The server turns clients away now: zk_connection_rejected rose this interval. */
  'clients-rejected',
  /** A znode rule (registration, election, expected data) does not hold. */
  'znode-rule',
  /** World-writable znodes under a watched root. */
  'open-acl',
  /** A watched configuration znode changed: a one-off notice, not a lifecycle. */
  'config-change',
  /** A server answers but some word or field gives nothing, so signals are off (info; see blind-spots.ts). */
  'blind-spot',
  /** A serving server resets or refuses the probe's own connections: clients are being turned away now. */
  'clients-turned-away',
  /** zk-lookout's own resources failed during a round (EMFILE…): a notice, never a server alarm. */
  'checker-fault',
] as const;
export type AlertName = (typeof AlertNames)[number];

/** One signal's part in a warning: its value, the thresholds and the resulting risk. */
export interface DrivingSignal {
  signal: string;
  /** Server address, when the signal is per server. */
  server?: string;
  value: number;
  /** Warning curve centre ν (50% risk) and softness τ. */
  nu: number;
  tau: number;
  /** W(x), P(x) where the mode uses it, and the signal's combined risk r. */
  w: number;
  p?: number;
  risk: number;
  mode: string;
  /** The value's unit (`ms`, `h`, `fraction`, …). */
  unit?: string;
  /** What the value is about within the server: the client IP of per-IP signals. */
  subject?: string;
  /** For forecasts: the fitted line's value now, the limit, its slope per hour, and which tier reported. */
  forecast?: { tier: 'long' | 'short'; current: number; limit: number; perHour: number };
}

export interface Transition {
  version: typeof TRANSITION_VERSION;
  ensembleName: string;
  /** Stable identity of the alert: `<alertName>` or `<alertName>:<server>`. */
  alertKey: string;
  alertName: AlertName;
  level: AlertLevel;
  server?: string;
  change: ChangeKind;
  /** One sentence a person understands: "quorum lost: 1 of 3 servers serving (needs 2)". */
  summary: string;
  /** When the alert started firing (ISO). */
  since: string;
  /** When this transition was decided (ISO) and by which round. */
  at: string;
  roundId: string;
  /** The ensemble's warning probability (noisy-OR) for warnings, else absent. */
  probability?: number;
  signals: DrivingSignal[];
  /** False when a silence or an inhibiting alarm suppresses the notification (still recorded). */
  notify: boolean;
  silencedBy?: string;
  inhibitedBy?: string;
}

/** The grouped outcome of evaluating one round of one ensemble: one message at most. */
export interface Evaluation {
  ensembleName: string;
  roundId: string;
  evaluatedAt: string;
  transitions: Transition[];
}
