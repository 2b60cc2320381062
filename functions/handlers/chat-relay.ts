/**
 * The chat relay: an SNS `lambda` subscription of the alerts topic. Each record's
 * `AlertMessage` goes through `relayToChannels` (functions/app/relay-to-channels.ts)
 * within the invocation's remaining time. Channels that fail make the invocation fail,
 * naming them, so Lambda's retries and then the DLQ take over.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SNSEvent } from 'aws-lambda';
import { ServiceNames } from '../contract/handler-environment.ts';
import { parseAlertMessage } from '../contract/read-alert-message.ts';
import { ChannelDeliveryError, relayToChannels } from '../app/relay-to-channels.ts';
import { chatRelayDeps, logRelayed, relayPorts, type RelayDeps } from '../adapters/aws/chat-relay-ports.ts';

/** Time kept back from the Lambda timeout to log and return. */
const SAFETY_MARGIN_MS = 1500;
const logger = new Logger({ serviceName: ServiceNames.ChatRelay });

export function createRelayHandler(deps: RelayDeps) {
  const ports = relayPorts(deps);
  return async (event: SNSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> => {
    const deadlineMs = (deps.now ?? Date.now)() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS;
    const failures: string[] = [];
    for (const record of event.Records) {
      const messageId = record.Sns.MessageId;
      const message = parseAlertMessage(record.Sns.Message, `SNS message ${messageId}`);
      deps.logger.appendKeys({ ensemble: message.ensembleName, messageId, severity: message.severity });
      const outcome = await relayToChannels(messageId, message, deadlineMs, ports);
      logRelayed(deps.logger, outcome);
      failures.push(...outcome.failed.map((r) => `${r.channel} (message ${messageId})`));
    }
    if (failures.length > 0) throw new ChannelDeliveryError(`delivery failed for ${failures.length} channel(s): ${failures.join(', ')}`);
  };
}

export const handler = async (event: SNSEvent, context: Context): Promise<void> => {
  // Request id and cold start on every line.
  logger.addContext(context);
  return createRelayHandler(await chatRelayDeps(logger))(event, context);
};
