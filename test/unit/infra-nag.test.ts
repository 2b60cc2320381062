import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { exampleConfig, synthStack } from '../support/infra-stack.ts';

/** Every acknowledgement recorded in the tree: where, which rule, why. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, unknown>).map(([id, reason]) => ({ path: c.node.path, id, reason: String(reason) }))),
  );
}

function findings(root: IConstruct): string[] {
  return new AwsSolutionsChecks().validateScope(root).violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`);
}

/** The example plus every optional part: digest canary and Alertmanager relay in a VPC (interface endpoints created), the DynamoDB gateway endpoint, AWS Chatbot Slack and Teams. */
function fullConfig() {
  const config = exampleConfig() as { ensembles: { canary: Record<string, unknown>; vpc: Record<string, unknown> }[]; chatbot?: unknown; alertmanager?: unknown };
  for (const ensemble of config.ensembles) Object.assign(ensemble.vpc, { secretsManagerEndpoint: 'create', dynamoDbEndpoint: 'create' });
  config.alertmanager = { url: 'http://alertmanager.internal:9093', secretName: 'zk-lookout/prod/alertmanager', vpc: config.ensembles[0]!.vpc };
  config.ensembles[0]!.canary.digestSecretArn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:zk-lookout/prod/orders-digest-AbCdEf';
  config.chatbot = { slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' }, teams: { teamId: 'team-1', channelId: 'channel-1', tenantId: 'tenant-1' } };
  return config;
}

describe.each([
  ['the example config', exampleConfig],
  ['every optional part', fullConfig],
])('cdk-nag AwsSolutions on %s', (_name, config) => {
  const { stack } = synthStack(config());

  it('reports no unacknowledged finding', () => {
    expect(findings(stack)).toEqual([]);
  });

  it('gives every acknowledgement a reason of at least 10 characters', () => {
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) expect(ack.reason.trim().length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(10);
  });
});
