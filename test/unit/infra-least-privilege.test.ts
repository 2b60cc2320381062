/**
 * Issue 17 point 8, the IAM part: a compromised probe can write round items and nothing
 * else of the table (IAM's `dynamodb:LeadingKeys` tells the partitions apart), and
 * CloudWatch may use the alerts key only for this account's alarms.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ensembleKey, roundPartitionKey } from '../../functions/adapters/aws/results-table.ts';
import { DELIVERY_KEY_PREFIX } from '../../functions/contract/table-keys.ts';
import { HandlerEnv, ServiceNames } from '../../functions/contract/handler-environment.ts';
import { exampleConfig, synthStack } from '../support/infra-stack.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };
const allResources = (template: Template) => (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
const ofType = (template: Template, type: string) => Object.entries(allResources(template)).filter(([, r]) => r.Type === type);
const refOf = (value: unknown) => (value as { Ref?: string }).Ref ?? ((value as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'] ?? [])[0];

/** IAM's StringLike: `*` any run of characters, `?` one character. */
const globMatches = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);

const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const grantsAction = (statement: Statement, action: string) => [statement.Action].flat().some((a) => globMatches(a, action));

/**
 * Whether `statement` allows writing an item whose partition key is `pk`: IAM evaluates
 * `ForAllValues:StringLike dynamodb:LeadingKeys` against the request's partition key.
 */
function allowsWriteOfKey(statement: Statement, pk: string): boolean {
  if (statement.Effect !== 'Allow' || !WRITE_ACTIONS.some((a) => grantsAction(statement, a))) return false;
  const patterns = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
  if (patterns === undefined) return true;
  return [patterns].flat().some((p) => globMatches(String(p), pk));
}

function roleStatements(template: Template, service: string): Statement[] {
  const fn = ofType(template, 'AWS::Lambda::Function').find(([, f]) => (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables[HandlerEnv.PowertoolsServiceName] === service)![1];
  const role = refOf(fn.Properties.Role);
  return ofType(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => refOf(r) === role))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe('the probe role and the results table', () => {
  const { template } = synthStack(exampleConfig());
  const statements = roleStatements(template, ServiceNames.Probe);

  it('may write round items', () => {
    expect(statements.some((s) => allowsWriteOfKey(s, roundPartitionKey('orders-zk')))).toBe(true);
  });

  it('cannot write a state item\'s key, a delivery-ledger key, or any other partition', () => {
    for (const pk of [ensembleKey('orders-zk'), `${DELIVERY_KEY_PREFIX}some-message`, 'anything']) {
      expect(statements.filter((s) => allowsWriteOfKey(s, pk)), pk).toEqual([]);
    }
  });

  it('the state and round partitions differ for every ensemble name', () => {
    expect(roundPartitionKey('a')).not.toBe(ensembleKey('a'));
    expect(globMatches(`${roundPartitionKey('')}*`, ensembleKey('x'))).toBe(false);
  });
});

describe('the alerts key', () => {
  it('lets CloudWatch use it only for this account\'s alarms', () => {
    const { template } = synthStack(exampleConfig());
    const [[, key]] = ofType(template, 'AWS::KMS::Key') as [[string, Resource]];
    const statements = (key.Properties.KeyPolicy as { Statement: (Statement & { Principal?: { Service?: string } })[] }).Statement;
    const cloudwatch = statements.filter((s) => JSON.stringify(s.Principal ?? {}).includes('cloudwatch.amazonaws.com'));
    expect(cloudwatch).toHaveLength(1);
    expect(cloudwatch[0]!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
    });
  });
});
