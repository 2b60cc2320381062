/**
 * A list that grows with the config (the sweep's ensembles, the chat relay's channels),
 * written as numbered Standard SSM parameters under one path instead of an environment
 * variable: Lambda's environment holds 4 KB in all, and one Standard parameter holds 4 KB
 * (Advanced ones cost money), so the entries are packed, in order, into as many JSON
 * arrays of at most 4 KB as they need. `functions/adapters/aws/deployment-list.ts` reads them.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { DeploymentConfigError } from '../config/deployment-config.ts';

/** What one Standard parameter holds. */
export const STANDARD_PARAMETER_BYTES = 4096;

export interface DeploymentListParametersProps {
  /** e.g. `/zk-lookout/prod/deployment/sweep-ensembles`. */
  readonly path: string;
  readonly entries: readonly unknown[];
  /** Names an entry in a synth error, e.g. `(i) => \`chatChannels[${i}]\``. */
  readonly describeEntry: (index: number) => string;
  readonly description: string;
}

/** Entries packed in order into JSON arrays of at most `limit` bytes each. */
export function packEntries(entries: readonly unknown[], describeEntry: (index: number) => string, limit = STANDARD_PARAMETER_BYTES): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let bytes = 2; // []
  entries.forEach((entry, i) => {
    const text = JSON.stringify(entry);
    const size = Buffer.byteLength(text);
    if (size + 2 > limit) {
      throw new DeploymentConfigError(`${describeEntry(i)}: takes ${size} bytes as stored for its function, over the ${limit - 2} one SSM parameter holds; shorten it (fewer ensembles or shorter names)`);
    }
    const added = size + (current.length > 0 ? 1 : 0);
    if (bytes + added > limit) {
      chunks.push(`[${current.join(',')}]`);
      current = [];
      bytes = 2;
    }
    bytes += size + (current.length > 0 ? 1 : 0);
    current.push(text);
  });
  chunks.push(`[${current.join(',')}]`);
  return chunks;
}

export class DeploymentListParameters extends Construct {
  readonly path: string;
  readonly parameters: StringParameter[];

  constructor(scope: Construct, id: string, props: DeploymentListParametersProps) {
    super(scope, id);
    this.path = props.path;
    this.parameters = packEntries(props.entries, props.describeEntry).map(
      (value, i) =>
        new StringParameter(this, `Chunk${i}`, {
          parameterName: `${props.path}/${i}`,
          description: `${props.description} (part ${i + 1}; written by the stack, do not edit)`,
          stringValue: value,
          tier: ParameterTier.STANDARD,
        }),
    );
  }

  /** `ssm:GetParametersByPath` on the list's path: all the reader calls. */
  grantRead(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParametersByPath'],
      resourceArns: [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: this.path.slice(1), arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
    });
  }
}
