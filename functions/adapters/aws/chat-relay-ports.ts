/**
 * What the chat relay Lambda wires around `relayToChannels`: the channel list the stack
 * writes to SSM (nothing secret; read with a cache on each invocation), webhook URLs and
 * signing secrets from Secrets Manager (never logged), the delivery ledger in the results
 * table the stack names, and the one INFO line per message.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { DeploymentListPaths, HandlerEnv } from '../../contract/handler-environment.ts';
import { parseChannels, type ChannelConfig } from '../../contract/chat-channels.ts';
import type { DeliveryLedger } from '../../app/delivery-ledger.ts';
import type { RelayOutcome, RelayPorts } from '../../app/relay-to-channels.ts';
import { ChatDelivery } from '../chat/deliver-to-channels.ts';
import type { WebhookSecret } from '../chat/provider.ts';
import { DynamoDeliveryLedger } from './delivery-ledger.ts';
import { DeploymentList } from './deployment-list.ts';
import type { DeliverySeams } from '../http/retrying-request.ts';
import { requiredEnv } from './required-env.ts';
import { WebhookSecrets } from './secrets.ts';

export interface RelayDeps extends DeliverySeams {
  channels: ChannelConfig[];
  secrets: { get(secretId: string): Promise<WebhookSecret> };
  ledger: DeliveryLedger;
  logger: Logger;
}

let shared: (Omit<RelayDeps, 'channels'> & { lists: DeploymentList }) | undefined;

/** The relay's dependencies from the environment the stack sets; all but the channel list live while the function is warm. */
export async function chatRelayDeps(logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<RelayDeps> {
  shared ??= {
    lists: new DeploymentList(),
    secrets: new WebhookSecrets(),
    // The table outlives the container, so a retry that lands on a fresh one still skips what was delivered.
    ledger: new DynamoDeliveryLedger({ tableName: requiredEnv(HandlerEnv.ResultsTable, env) }),
    logger,
  };
  const { lists, ...deps } = shared;
  const path = DeploymentListPaths.chatChannels(requiredEnv(HandlerEnv.Stage, env));
  return { ...deps, channels: parseChannels(JSON.stringify(await lists.read(path)), `SSM parameters under ${path}`) };
}

export function relayPorts(deps: RelayDeps): RelayPorts {
  const { secrets, now, sleep, fetch } = deps;
  return {
    channels: deps.channels,
    ledger: deps.ledger,
    delivery: new ChatDelivery({ secrets, now, sleep, fetch }),
  };
}

/** The failures one by one, and the one INFO line per message: which channels it reached. */
export function logRelayed(logger: Logger, outcome: RelayOutcome): void {
  for (const r of outcome.results) {
    if (r.ok) logger.debug('delivered', { channel: r.channel, attempts: r.attempts });
    else logger.error('delivery failed', { channel: r.channel, attempts: r.attempts, reason: r.error });
  }
  logger.info('relayed', {
    wanted: outcome.wanted,
    alreadyDelivered: outcome.alreadyDelivered,
    delivered: outcome.results.filter((r) => r.ok).map((r) => r.channel),
    failed: outcome.failed.length,
  });
}
