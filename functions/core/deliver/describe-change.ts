/**
 * The words every rendering shares, as plain text: renderers escape these pieces for
 * their markup and decide the layout, so email, chat cards and Chatbot say the same.
 */
import type { DrivingSignal } from '../../contract/transition.ts';
import type { AlertChange, AlertMessage } from '../../contract/alert-message.ts';
import { truncateChars } from './escape.ts';

/** One escaped line never takes more than this of a chat block. */
export const LINE_MAX_CHARS = 600;

/** A chat shows this many signals per change; the rest are counted. */
export const SIGNALS_SHOWN = 8;
/** A summary longer than this is cut in chat renderings (email keeps more). */
export const SUMMARY_MAX_CHARS = 400;

const CHANGE_LABEL: Record<AlertChange['change'], string> = { fired: 'FIRED', reminder: 'STILL FIRING', resolved: 'RESOLVED' };

/** "FIRED quorum-lost (alarm) on 10.0.0.1:2181". */
export function changeHeadline(change: AlertChange): string {
  const where = change.server !== undefined ? ` on ${change.server}` : '';
  return `${CHANGE_LABEL[change.change]} ${change.alertName} (${change.level})${where}`;
}

/** "since 2024-05-01T10:00:00.000Z, risk 87%" (an early warning is one cause: its own risk). */
export function changeFacts(change: AlertChange): string {
  const label = change.alertName === 'early-warning' ? 'risk' : 'warning probability';
  const probability = change.probability !== undefined ? `, ${label} ${percent(change.probability)}` : '';
  return `since ${change.since}${probability}`;
}

export function changeSummary(change: AlertChange, maxChars = SUMMARY_MAX_CHARS): string {
  return truncateChars(change.summary, maxChars);
}

/**
 * "read-latency-ms on 10.0.0.1:2181 = 120 ms (ν 100 ms, τ 10 ms, W 88%, risk 88%, mode w)";
 * a forecast adds its line's facts: "fd-exhaustion-hours on zk2:2181 = 0.66 h (now 812 of
 * 1024, +19/min, short-window trend; ν 24 h, …)"; a per-IP signal names the IP.
 */
export function signalLine(s: DrivingSignal): string {
  const where = s.server !== undefined ? ` on ${s.server}` : '';
  const about = s.subject !== undefined ? ` for client ${s.subject}` : '';
  const p = s.p !== undefined ? `, P ${percent(s.p)}` : '';
  const f = s.forecast;
  const trend = f ? `now ${formatNumber(Math.round(f.current))} of ${formatNumber(f.limit)}, ${perMinute(f.perHour)}, ${f.tier}-window trend; ` : '';
  return `${s.signal}${where}${about} = ${withUnit(s.value, s.unit)} (${trend}ν ${withUnit(s.nu, s.unit)}, τ ${withUnit(s.tau, s.unit)}, W ${percent(s.w)}${p}, risk ${percent(s.risk)}, mode ${s.mode})`;
}

/** A value with its unit; fractions as percentages. */
export function withUnit(value: number, unit: string | undefined): string {
  if (unit === 'fraction') return percent(value);
  return unit ? `${formatNumber(value)} ${unit}` : formatNumber(value);
}

function perMinute(perHour: number): string {
  const sign = perHour >= 0 ? '+' : '-';
  const a = Math.abs(perHour);
  return a >= 60 ? `${sign}${formatNumber(Math.round(a / 6) / 10)}/min` : `${sign}${formatNumber(a)}/h`;
}

/** The first `max` signals as lines, plus "+N more signals" when some are left out. */
export function signalLines(change: AlertChange, max = SIGNALS_SHOWN): string[] {
  const shown = change.signals.slice(0, max).map(signalLine);
  const rest = change.signals.length - shown.length;
  return rest > 0 ? [...shown, `+${rest} more signals`] : shown;
}

export function omittedLine(omitted: number): string {
  return `…and ${omitted} more change${omitted === 1 ? '' : 's'} not shown (size limit)`;
}

export function evaluatedLine(msg: AlertMessage): string {
  return `Ensemble ${msg.ensembleName} · evaluated ${msg.evaluatedAt} · round ${msg.roundId}`;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

export function percent(value: number): string {
  return `${formatNumber(Math.round(value * 1000) / 10)}%`;
}

/** A change's text, each line escaped for the target and capped after escaping. */
export interface ChangeParts {
  headline: string;
  summary: string;
  facts: string;
  signals: string[];
}

export function changeParts(change: AlertChange, escape: (value: string) => string, lineMax = LINE_MAX_CHARS): ChangeParts {
  const line = (value: string) => truncateChars(escape(value), lineMax);
  return { headline: line(changeHeadline(change)), summary: line(changeSummary(change)), facts: line(changeFacts(change)), signals: signalLines(change).map(line) };
}
