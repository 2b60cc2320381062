import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSecrets } from '../../../functions/adapters/aws/secrets.ts';
import { MemoryDeliveryLedger } from '../../support/memory-delivery-ledger.ts';
import type { ChannelConfig } from '../../../functions/contract/chat-channels.ts';
import { createRelayHandler } from '../../../functions/handlers/chat-relay.ts';
import { sampleMessage } from '../../support/alert-fixtures.ts';
import { FakeChat } from './fake-chat.ts';
import { fakeClock } from './fake-clock.ts';

const chat = new FakeChat();
beforeAll(() => chat.start());
afterAll(() => chat.close());

describe('the relay handler', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  afterAll(() => secretsManager.restore());

  it('delivers to every wanted channel, reports the one that is down, and never re-sends on the retry', async () => {
    const urls: Record<string, string> = {
      'zk/team-slack': `${chat.base}/services/team`,
      'zk/ops-discord': `${chat.base}/api/webhooks/ops/t`,
      'zk/cn-dingtalk': `${chat.base}/robot/cn?access_token=t`,
      'zk/warnings-only': `${chat.base}/hooks/warnings`,
    };
    secretsManager.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => ({ SecretString: JSON.stringify({ url: urls[input.SecretId], secret: 'SECx' }) }));
    let dingtalkDown = true;
    chat.reply = (path) => {
      if (path === '/robot/cn') return dingtalkDown ? { status: 503, body: 'maintenance' } : { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
      if (path === '/api/webhooks/ops/t') return { status: 204 };
      return { status: 200, body: 'ok' };
    };
    const channels: ChannelConfig[] = [
      { name: 'team-slack', kind: 'slack', secretId: 'zk/team-slack' },
      { name: 'ops-discord', kind: 'discord', secretId: 'zk/ops-discord', ensembles: ['prod-zk'] },
      { name: 'cn-dingtalk', kind: 'dingtalk', secretId: 'zk/cn-dingtalk' },
      { name: 'warnings-only', kind: 'webhook', secretId: 'zk/warnings-only', severities: ['warning'] },
    ];
    const { options } = fakeClock();
    const handler = createRelayHandler({
      channels,
      secrets: new WebhookSecrets({ client: new SecretsManagerClient({ region: 'us-east-1' }) }),
      ledger: new MemoryDeliveryLedger(),
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      now: options.now,
      sleep: options.sleep,
    });
    const event = { Records: [{ Sns: { MessageId: 'sns-1', Message: JSON.stringify(sampleMessage()) } }] } as unknown as SNSEvent;
    const context = { getRemainingTimeInMillis: () => 30_000 };

    await expect(handler(event, context)).rejects.toThrow('delivery failed for 1 channel(s): cn-dingtalk (message sns-1)');
    expect(chat.on('/services/team')).toHaveLength(1);
    expect(chat.on('/api/webhooks/ops/t')).toHaveLength(1);
    expect(chat.on('/robot/cn').length).toBeGreaterThan(1);
    expect(chat.on('/hooks/warnings')).toHaveLength(0);

    dingtalkDown = false;
    const before = chat.on('/robot/cn').length;
    await handler(event, context);
    expect(chat.on('/robot/cn')).toHaveLength(before + 1);
    expect(chat.on('/services/team')).toHaveLength(1);
    expect(chat.on('/api/webhooks/ops/t')).toHaveLength(1);
  });
});
