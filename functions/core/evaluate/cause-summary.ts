/**
 * The sentence a person reads for one warning cause, with units on every value. Forecasts
 * say what Prometheus-style `predict_linear` alerts say, in one line:
 * "fds 812/1024 on zk2, +19/min, full at ~14:52 UTC (in 11 min)".
 */
import type { DrivingSignal } from '../../contract/transition.ts';

const FORECAST_NOUN: Record<string, { noun: (s: DrivingSignal) => string; end: string }> = {
  'fd-exhaustion-hours': { noun: () => 'fds', end: 'full' },
  'client-ip-exhaustion-hours': { noun: (s) => `connections from ${s.subject ?? 'one client IP'}`, end: 'at maxClientCnxns' },
  'zxid-rollover-hours': { noun: () => 'zxid counter', end: 'rolls over (forced election)' },
};

export function causeSummary(s: DrivingSignal, at: number): string {
  const where = s.server !== undefined ? ` on ${s.server}` : '';
  const f = s.forecast;
  if (f) {
    const words = FORECAST_NOUN[s.signal] ?? { noun: () => s.signal, end: 'at the limit' };
    const hours = s.value;
    const eta = new Date(at + hours * 3_600_000);
    const tier = f.tier === 'long' ? 'long-window trend' : 'short-window trend';
    return `${words.noun(s)} ${count(f.current)}/${count(f.limit)}${where}, ${rate(f.perHour)}, ${words.end} at ~${clock(eta, hours)} (in ${duration(hours)}; ${tier}, risk ${percent(s.risk)})`;
  }
  const about = s.subject !== undefined ? ` (client ${s.subject})` : '';
  return `${s.signal} ${value(s.value, s.unit)}${about}${where} (ν ${value(s.nu, s.unit)}, τ ${value(s.tau, s.unit)}, risk ${percent(s.risk)})`;
}

export function clearedSummary(s: DrivingSignal, clearAt: number): string {
  const where = s.server !== undefined ? ` on ${s.server}` : '';
  const shown = s.forecast ? `${duration(s.value)} to the limit` : value(s.value, s.unit);
  return `${s.signal}${where} back to ${shown} (risk ${percent(s.risk)}, below clearAt ${percent(clearAt)})`;
}

function value(v: number, unit: string | undefined): string {
  if (unit === 'fraction') return `${formatted(v * 100)} %`;
  if (unit === 'h') return duration(v);
  return unit ? `${formatted(v)} ${unit}` : formatted(v);
}

function rate(perHour: number): string {
  const sign = perHour >= 0 ? '+' : '−';
  const a = Math.abs(perHour);
  return a >= 60 ? `${sign}${count(a / 60)}/min` : `${sign}${formatted(a)}/h`;
}

function duration(hours: number): string {
  if (hours < 1) return `${Math.max(0, Math.round(hours * 60))} min`;
  if (hours < 48) return `${formatted(Math.round(hours * 10) / 10)} h`;
  return `${formatted(Math.round(hours / 2.4) / 10)} days`;
}

function clock(d: Date, hours: number): string {
  const iso = d.toISOString();
  return hours < 20 ? `${iso.slice(11, 16)} UTC` : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function count(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

function formatted(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3)));
}

function percent(x: number): string {
  return `${Math.round(x * 100)} %`;
}
