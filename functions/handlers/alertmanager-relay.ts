/**
 * The Alertmanager relay: an SNS `lambda` subscription of the alerts topic, deployable
 * inside a VPC next to a private Alertmanager. Each record's `AlertMessage` becomes
 * Alertmanager alerts (fired and reminders firing until a horizon, resolutions ended);
 * a refusal fails the invocation, so Lambda's retries and then the DLQ take over. A
 * repeated post is harmless: Alertmanager merges alerts with the same labels.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SNSEvent } from 'aws-lambda';
import { positiveNumberEnv, requiredEnv } from '../adapters/aws/required-env.ts';
import { AlertmanagerSecrets } from '../adapters/aws/secrets.ts';
import { alertsFromMessage } from '../core/deliver/alertmanager-alerts.ts';
import { parseAlertMessage } from '../contract/read-alert-message.ts';
import type { AlertmanagerAuth } from '../adapters/alertmanager/alertmanager-auth.ts';
import { sendAlerts } from '../adapters/alertmanager/post-alerts.ts';
import { AlertmanagerRelayEnv, DEFAULT_RELAY_ENDS_AFTER_SECONDS } from '../contract/relay-environment.ts';

/** Time kept back from the Lambda timeout to log and return. */
const SAFETY_MARGIN_MS = 1500;

export interface AlertmanagerRelayDeps {
  url: string;
  secretId?: string;
  secrets: { get(secretId: string): Promise<AlertmanagerAuth> };
  endsAfterMs: number;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createAlertmanagerRelay(deps: AlertmanagerRelayDeps) {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (event: SNSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> => {
    const deadlineMs = now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS;
    const auth = deps.secretId ? await deps.secrets.get(deps.secretId) : undefined;
    const target = { url: deps.url, ...(auth ? { auth } : {}) };
    for (const record of event.Records) {
      const messageId = record.Sns.MessageId;
      const message = parseAlertMessage(record.Sns.Message, `SNS message ${messageId}`);
      const alerts = alertsFromMessage(message, deps.endsAfterMs);
      const result = await sendAlerts(target, alerts, { deadlineMs, now, sleep, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
      deps.logger.info('posted to Alertmanager', { messageId, ensemble: message.ensembleName, severity: message.severity, ...result });
    }
  };
}

let defaultHandler: ReturnType<typeof createAlertmanagerRelay> | undefined;
const logger = new Logger({ serviceName: 'zk-lookout-alertmanager-relay' });

export const handler = (event: SNSEvent, context: Context): Promise<void> => {
  // Request id and cold start on every line.
  logger.addContext(context);
  const secretId = process.env[AlertmanagerRelayEnv.SecretId];
  defaultHandler ??= createAlertmanagerRelay({
    url: requiredEnv(AlertmanagerRelayEnv.Url),
    ...(secretId ? { secretId } : {}),
    secrets: new AlertmanagerSecrets(),
    endsAfterMs: positiveNumberEnv(AlertmanagerRelayEnv.EndsAfterSeconds, DEFAULT_RELAY_ENDS_AFTER_SECONDS) * 1000,
    logger,
  });
  return defaultHandler(event, context);
};
