/**
 * The Alertmanager relay: an SNS `lambda` subscription of the alerts topic, deployable
 * inside a VPC next to a private Alertmanager. Each record's `AlertMessage` goes through
 * `relayToAlertmanager` (functions/app/relay-to-alertmanager.ts); a refusal fails the
 * invocation, so Lambda's retries and then the DLQ take over.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SNSEvent } from 'aws-lambda';
import { ServiceNames } from '../contract/handler-environment.ts';
import { parseAlertMessage } from '../contract/read-alert-message.ts';
import { relayToAlertmanager } from '../app/relay-to-alertmanager.ts';
import { alertmanagerRelayDeps, alertmanagerSender, type AlertmanagerRelayDeps } from '../adapters/aws/alertmanager-relay-ports.ts';

/** Time kept back from the Lambda timeout to log and return. */
const SAFETY_MARGIN_MS = 1500;
const logger = new Logger({ serviceName: ServiceNames.AlertmanagerRelay });
let defaultHandler: ReturnType<typeof createAlertmanagerRelay> | undefined;

export function createAlertmanagerRelay(deps: AlertmanagerRelayDeps) {
  return async (event: SNSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> => {
    const deadlineMs = (deps.now ?? Date.now)() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS;
    const sender = await alertmanagerSender(deps);
    for (const record of event.Records) {
      const messageId = record.Sns.MessageId;
      const message = parseAlertMessage(record.Sns.Message, `SNS message ${messageId}`);
      const result = await relayToAlertmanager(message, deps.endsAfterMs, deadlineMs, sender);
      deps.logger.info('posted to Alertmanager', { messageId, ensemble: message.ensembleName, severity: message.severity, ...result });
    }
  };
}

export const handler = (event: SNSEvent, context: Context): Promise<void> => {
  // Request id and cold start on every line.
  logger.addContext(context);
  defaultHandler ??= createAlertmanagerRelay(alertmanagerRelayDeps(logger));
  return defaultHandler(event, context);
};
