/**
 * How zk-lookout authenticates to Alertmanager: HTTP basic auth or a bearer token, kept
 * as JSON in Secrets Manager (AWS) or a file (local mode), never in the config itself.
 * Alertmanager has no auth of its own; these are for the proxy or the web config
 * (`--web.config.file`) in front of it.
 */
import { z } from 'zod';
import { checkValue, readJson } from '../../contract/parse-with.ts';

const AlertmanagerAuthSchema = z.union([
  z.strictObject({ username: z.string().min(1), password: z.string().min(1) }),
  z.strictObject({ bearerToken: z.string().min(1) }),
]);

export type AlertmanagerAuth = z.infer<typeof AlertmanagerAuthSchema>;

const EXPECTED = 'expected {"username": "…", "password": "…"} or {"bearerToken": "…"}';

export class AlertmanagerAuthError extends Error {
  override name = 'AlertmanagerAuthError';
}

/** Validates the credentials' JSON; errors name `where` and the fields, never a value. */
export function parseAlertmanagerAuth(raw: string, where: string): AlertmanagerAuth {
  const json = readJson(raw);
  // V8's JSON error quotes the text, which is the credential.
  if (!json.ok) throw new AlertmanagerAuthError(`${where}: not JSON; ${EXPECTED}`);
  const parsed = checkValue(AlertmanagerAuthSchema, json.value, { secret: true });
  if (!parsed.ok) {
    const value = json.value;
    // Two forms, so zod's per-form issues say less than which fields were given.
    const fields = value !== null && typeof value === 'object' ? Object.keys(value).join(', ') || 'none' : typeof value;
    throw new AlertmanagerAuthError(`${where}: fields (${fields}) are neither a username and password nor a bearerToken; ${EXPECTED}`);
  }
  return parsed.value;
}

export function authorizationHeader(auth: AlertmanagerAuth): string {
  return 'bearerToken' in auth ? `Bearer ${auth.bearerToken}` : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}
