/**
 * What the Alertmanager relay Lambda wires around `relayToAlertmanager`: Alertmanager's
 * URL, horizon and credentials' secret from the environment the stack sets
 * (functions/contract/relay-environment.ts), the credentials from Secrets Manager, and the
 * shared retry policy for the posts.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { AlertmanagerRelayEnv, DEFAULT_RELAY_ENDS_AFTER_SECONDS } from '../../contract/relay-environment.ts';
import type { AlertmanagerSender } from '../../app/relay-to-alertmanager.ts';
import type { AlertmanagerAuth } from '../alertmanager/alertmanager-auth.ts';
import { sendAlerts } from '../alertmanager/post-alerts.ts';
import { withSeamDefaults, type DeliverySeams } from '../http/retrying-request.ts';
import { positiveNumberEnv, requiredEnv } from './required-env.ts';
import { AlertmanagerSecrets } from './secrets.ts';

export interface AlertmanagerRelayDeps extends DeliverySeams {
  url: string;
  /** Absent: Alertmanager takes posts without credentials. */
  secretId?: string;
  secrets: { get(secretId: string): Promise<AlertmanagerAuth> };
  endsAfterMs: number;
  logger: Logger;
}

export function alertmanagerRelayDeps(logger: Logger, env: NodeJS.ProcessEnv = process.env): AlertmanagerRelayDeps {
  const secretId = env[AlertmanagerRelayEnv.SecretId];
  return {
    url: requiredEnv(AlertmanagerRelayEnv.Url, env),
    ...(secretId ? { secretId } : {}),
    secrets: new AlertmanagerSecrets(),
    endsAfterMs: positiveNumberEnv(AlertmanagerRelayEnv.EndsAfterSeconds, DEFAULT_RELAY_ENDS_AFTER_SECONDS, env) * 1000,
    logger,
  };
}

/** A sender with the credentials as they are now (cached by Powertools while the function is warm). */
export async function alertmanagerSender(deps: AlertmanagerRelayDeps): Promise<AlertmanagerSender> {
  const auth = deps.secretId ? await deps.secrets.get(deps.secretId) : undefined;
  const target = { url: deps.url, ...(auth ? { auth } : {}) };
  const seams = withSeamDefaults(deps);
  return { send: (alerts, deadlineMs) => sendAlerts(target, alerts, { deadlineMs, ...seams }) };
}
