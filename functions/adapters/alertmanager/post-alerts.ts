/**
 * Sends zk-lookout's alerts to Alertmanager's API v2. Before posting, it asks which of
 * the same alerts are active there (`GET /api/v2/alerts` with matchers) and ends those
 * whose labels differ from the ones posted now, so an early warning whose driving signal
 * changed is one alert, not two. Both requests go through the shared retry policy;
 * errors never contain the credentials.
 */
import { requestWithRetries, type OutgoingRequest, type RetryOptions } from '../http/retrying-request.ts';
import { matchersFor, supersededAlerts, type ActiveAlert, type PostableAlert } from '../../core/deliver/alertmanager-alerts.ts';
import { authorizationHeader, type AlertmanagerAuth } from './alertmanager-auth.ts';
import { withoutTrailingSlashes } from '../../core/text/trailing-slashes.ts';

export interface AlertmanagerTarget {
  /** Alertmanager's base URL, e.g. `http://alertmanager:9093` (a path prefix is kept). */
  url: string;
  auth?: AlertmanagerAuth;
}

export class AlertmanagerError extends Error {
  override name = 'AlertmanagerError';
}

export interface SendResult {
  /** Alerts posted: the given ones plus the superseded ones ended. */
  posted: number;
  superseded: number;
}

/** Posts `alerts` (and ends the ones they supersede); throws `AlertmanagerError` when Alertmanager does not accept them. */
export async function sendAlerts(target: AlertmanagerTarget, alerts: readonly PostableAlert[], options: RetryOptions): Promise<SendResult> {
  if (alerts.length === 0) return { posted: 0, superseded: 0 };
  const active = await activeAlerts(target, matchersFor(alerts), options);
  const superseded = supersededAlerts(alerts, active, new Date(options.now()).toISOString());
  const all = [...alerts, ...superseded];
  await postAlerts(target, all, options);
  return { posted: all.length, superseded: superseded.length };
}

/** `POST /api/v2/alerts`. */
export async function postAlerts(target: AlertmanagerTarget, alerts: readonly PostableAlert[], options: RetryOptions): Promise<void> {
  const body = JSON.stringify(alerts);
  const outcome = await requestWithRetries({ request: () => request(target, 'POST', '/api/v2/alerts', body), redact: redactor(target) }, options);
  if (!outcome.ok) throw new AlertmanagerError(`Alertmanager at ${safeUrl(target.url)} did not accept ${alerts.length} alert(s) after ${outcome.attempts} attempt(s): ${outcome.error}`);
}

/** `GET /api/v2/alerts?filter=…`: active, silenced and inhibited alerts matching every matcher. */
export async function activeAlerts(target: AlertmanagerTarget, matchers: readonly string[], options: RetryOptions): Promise<ActiveAlert[]> {
  const query = matchers.map((m) => `filter=${encodeURIComponent(m)}`).join('&');
  const outcome = await requestWithRetries({ request: () => request(target, 'GET', `/api/v2/alerts?${query}`), redact: redactor(target) }, options);
  if (!outcome.ok) throw new AlertmanagerError(`Alertmanager at ${safeUrl(target.url)} did not list alerts after ${outcome.attempts} attempt(s): ${outcome.error}`);
  let listed: unknown;
  try {
    listed = JSON.parse(outcome.text);
  } catch {
    throw new AlertmanagerError(`Alertmanager at ${safeUrl(target.url)} listed alerts as something other than JSON: ${outcome.text.slice(0, 200)}`);
  }
  if (!Array.isArray(listed)) throw new AlertmanagerError(`Alertmanager at ${safeUrl(target.url)} listed alerts as ${typeof listed}, not an array`);
  return listed.filter((a): a is ActiveAlert => typeof a === 'object' && a !== null && typeof (a as ActiveAlert).labels === 'object' && typeof (a as ActiveAlert).startsAt === 'string');
}

function request(target: AlertmanagerTarget, method: 'GET' | 'POST', path: string, body?: string): OutgoingRequest {
  return {
    url: `${withoutTrailingSlashes(target.url)}${path}`,
    method,
    headers: {
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(target.auth ? { authorization: authorizationHeader(target.auth) } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  };
}

function redactor(target: AlertmanagerTarget): (text: string) => string {
  const secrets = target.auth ? ('bearerToken' in target.auth ? [target.auth.bearerToken] : [target.auth.password, authorizationHeader(target.auth)]) : [];
  return (text) => secrets.reduce((out, s) => out.split(s).join('<credential>'), text);
}

/** The URL without user info, for error messages. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '<invalid url>';
  }
}

