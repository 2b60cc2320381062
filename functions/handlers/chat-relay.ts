/**
 * The chat relay: an SNS `lambda` subscription of the alerts topic. Each record's
 * `AlertMessage` goes to every configured channel that wants it, concurrently, within
 * the invocation's remaining time. Channels that fail make the invocation fail (so
 * Lambda's retries and then the DLQ take over) with their names in the error; channels
 * that succeeded are recorded per SNS message id and skipped on the retry.
 *
 * Configuration: the stack writes the channel list (names, kinds, Secrets Manager ids,
 * filters: nothing secret) to SSM under `DeploymentListPaths.chatChannels(stage)`, read
 * with a cache on each invocation. URLs and signing secrets are read from Secrets
 * Manager and never logged.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DeploymentListPaths, HandlerEnv } from '../contract/handler-environment.ts';
import { DeploymentList } from '../adapters/aws/deployment-list.ts';
import { requiredEnv } from '../adapters/aws/required-env.ts';
import type { Context, SNSEvent } from 'aws-lambda';
import { DynamoDeliveryLedger } from '../adapters/aws/delivery-ledger.ts';
import { WebhookSecrets } from '../adapters/aws/secrets.ts';
import { channelWants, parseChannels } from '../contract/chat-channels.ts';
import type { ChannelConfig } from '../contract/chat-channels.ts';
import { deliver } from '../adapters/chat/deliver-to-channels.ts';
import type { DeliveryResult } from '../adapters/chat/deliver-to-channels.ts';
import { MemoryDeliveryLedger } from '../app/delivery-ledger.ts';
import type { DeliveryLedger } from '../app/delivery-ledger.ts';
import { parseAlertMessage } from '../contract/read-alert-message.ts';
import { chatProviders } from '../adapters/chat/index.ts';
import type { WebhookSecret } from '../adapters/chat/provider.ts';

/** Time kept back from the Lambda timeout to log and return. */
const SAFETY_MARGIN_MS = 1500;

export interface RelayDeps {
  channels: ChannelConfig[];
  secrets: { get(secretId: string): Promise<WebhookSecret> };
  ledger: DeliveryLedger;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class ChannelDeliveryError extends Error {
  override name = 'ChannelDeliveryError';
}

export function createRelayHandler(deps: RelayDeps) {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (event: SNSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> => {
    const deadlineMs = now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS;
    const failures: string[] = [];
    for (const record of event.Records) {
      const messageId = record.Sns.MessageId;
      const msg = parseAlertMessage(record.Sns.Message, `SNS message ${messageId}`);
      const done = await deps.ledger.delivered(messageId);
      const wanted = deps.channels.filter((c) => channelWants(c, msg));
      const pending = wanted.filter((c) => !done.has(c.name));
      deps.logger.appendKeys({ ensemble: msg.ensembleName, messageId, severity: msg.severity });
      const results = await Promise.all(
        pending.map(async (channel): Promise<DeliveryResult> => {
          let target: WebhookSecret;
          try {
            target = await deps.secrets.get(channel.secretId);
          } catch (err) {
            return { channel: channel.name, ok: false, attempts: 0, error: (err as Error).message };
          }
          const result = await deliver(chatProviders[channel.kind], channel, target, msg, { deadlineMs, now, sleep, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
          if (result.ok) await deps.ledger.record(messageId, channel.name);
          return result;
        }),
      );
      for (const r of results) {
        if (r.ok) deps.logger.debug('delivered', { channel: r.channel, attempts: r.attempts });
        else deps.logger.error('delivery failed', { channel: r.channel, attempts: r.attempts, reason: r.error });
      }
      // The one INFO line per message: which channels it reached.
      deps.logger.info('relayed', {
        wanted: wanted.length,
        alreadyDelivered: wanted.length - pending.length,
        delivered: results.filter((r) => r.ok).map((r) => r.channel),
        failed: results.filter((r) => !r.ok).length,
      });
      failures.push(...results.filter((r) => !r.ok).map((r) => `${r.channel} (message ${messageId})`));
    }
    if (failures.length > 0) throw new ChannelDeliveryError(`delivery failed for ${failures.length} channel(s): ${failures.join(', ')}`);
  };
}

let shared: Omit<RelayDeps, 'channels'> & { lists: DeploymentList } | undefined;
const logger = new Logger({ serviceName: 'zk-lookout-chat' });

export const handler = async (event: SNSEvent, context: Context): Promise<void> => {
  // Request id and cold start on every line.
  logger.addContext(context);
  shared ??= {
    lists: new DeploymentList(),
    secrets: new WebhookSecrets(),
    // The table survives container recycling; without one (a relay outside the stack) the memo is what there is.
    ledger: process.env[HandlerEnv.ResultsTable] ? new DynamoDeliveryLedger({ tableName: process.env[HandlerEnv.ResultsTable] as string }) : new MemoryDeliveryLedger(),
    logger,
  };
  const path = DeploymentListPaths.chatChannels(requiredEnv(HandlerEnv.Stage));
  const channels = parseChannels(JSON.stringify(await shared.lists.read(path)), `SSM parameters under ${path}`);
  return createRelayHandler({ ...shared, channels })(event, context);
};
