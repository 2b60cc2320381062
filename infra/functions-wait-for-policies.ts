/**
 * Every Lambda function waits (DependsOn) for every IAM policy attached to its role.
 * With `@aws-cdk/aws-lambda:createNewPoliciesWithAddToRolePolicy` (cdk.json) a grant made
 * through the function, such as its dead-letter queue's `sqs:SendMessage`, lands in a
 * policy of its own that the function does not depend on, and CloudFormation may create
 * the function first: Lambda then refuses it ("execution role does not have permissions
 * to call SendMessage on SQS", aws/aws-cdk#33688). The VPC functions' network-interface
 * permissions are checked at create time too. An aspect, so grants added anywhere, at
 * any time before synth, are covered.
 */
import { type IAspect, Stack } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

export class FunctionsWaitForPolicies implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof CfnFunction)) return;
    const stack = Stack.of(node);
    const roleId = logicalIdIn(stack.resolve(node.role));
    if (roleId === undefined) return; // an imported role: no policy of this stack is attached to it
    const functionId = stack.getLogicalId(node);
    for (const policy of stack.node.findAll().filter((c): c is CfnPolicy => c instanceof CfnPolicy)) {
      const roles = (stack.resolve(policy.roles) ?? []) as unknown[];
      if (!roles.some((r) => logicalIdIn(r) === roleId)) continue;
      // A policy that names this function would make the dependency a cycle; it is not what the function needs to be created.
      if (JSON.stringify(stack.resolve(policy.policyDocument)).includes(`"${functionId}"`)) continue;
      node.addResourceDependency(policy, 'its role policy must exist before Lambda checks the role (aws/aws-cdk#33688)');
    }
  }
}

/** The logical id in `{ Ref }` or `{ Fn::GetAtt }`. */
function logicalIdIn(value: unknown): string | undefined {
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown[] } | undefined;
  if (typeof v?.Ref === 'string') return v.Ref;
  const attr = v?.['Fn::GetAtt']?.[0];
  return typeof attr === 'string' ? attr : undefined;
}
