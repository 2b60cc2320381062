/**
 * The Alertmanager relay's environment: what the construct writes and the handler reads.
 * Nothing secret: credentials stay in Secrets Manager under the named secret.
 */
export const AlertmanagerRelayEnv = {
  /** Alertmanager's base URL (`/api/v2/alerts` is appended). */
  Url: 'ALERTMANAGER_URL',
  /** Secrets Manager id of `{ "username", "password" }` or `{ "bearerToken" }`; unset means no auth. */
  SecretId: 'ALERTMANAGER_SECRET_ID',
  /** Seconds a firing alert stays firing in Alertmanager without a newer message. */
  EndsAfterSeconds: 'ALERTMANAGER_ENDS_AFTER_SECONDS',
} as const;

/**
 * The relay sees only changes and reminders, which come every `repeatEvery` (default
 * 4 h) while an alert fires, so the horizon covers one reminder interval plus a margin
 * for a late evaluation or a retried delivery.
 */
export const DEFAULT_RELAY_ENDS_AFTER_SECONDS = 4 * 3600 + 30 * 60;
