/**
 * The operator-tunable settings in SSM Parameter Store: the thresholds document (written
 * with the documented defaults) and the silence list (empty). Operators overwrite them
 * with `aws ssm put-parameter`; the evaluator re-reads them within its cache time. A
 * per-ensemble override, `/zk-lookout/<stage>/ensembles/<name>/thresholds`, is the
 * operator's to create; the evaluator may read it for the configured ensembles only.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { DEFAULT_THRESHOLDS } from '../../functions/contract/thresholds.ts';
import { SettingsParameterNames } from '../../functions/contract/handler-environment.ts';

/** A Standard parameter holds at most 4 KB; Advanced ones cost money. */
const STANDARD_PARAMETER_BYTES = 4096;

export interface SettingsParametersProps {
  readonly stage: string;
  readonly ensembleNames: readonly string[];
}

export class SettingsParameters extends Construct {
  readonly thresholds: StringParameter;
  readonly silences: StringParameter;
  /** ARNs of the optional per-ensemble overrides. */
  readonly overrideArns: string[];

  constructor(scope: Construct, id: string, props: SettingsParametersProps) {
    super(scope, id);
    const thresholds = JSON.stringify(DEFAULT_THRESHOLDS);
    if (Buffer.byteLength(thresholds) > STANDARD_PARAMETER_BYTES) {
      throw new Error(`default thresholds are ${Buffer.byteLength(thresholds)} bytes; a Standard SSM parameter holds ${STANDARD_PARAMETER_BYTES}`);
    }
    this.thresholds = new StringParameter(this, 'Thresholds', {
      parameterName: SettingsParameterNames.thresholds(props.stage),
      description: 'zk-lookout thresholds document (JSON); check with `zk-lookout thresholds validate FILE` before putting',
      stringValue: thresholds,
      tier: ParameterTier.STANDARD,
    });
    this.silences = new StringParameter(this, 'Silences', {
      parameterName: SettingsParameterNames.silences(props.stage),
      description: 'zk-lookout silences: JSON list of { ensemble, server?, signal?, until, reason }',
      stringValue: '[]',
      tier: ParameterTier.STANDARD,
    });
    this.overrideArns = props.ensembleNames.map((name) =>
      Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: SettingsParameterNames.ensembleThresholds(props.stage, name).slice(1), arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
    );
  }

  /** `ssm:GetParameter` (all the evaluator's settings reader calls) on the two parameters and the overrides. */
  grantRead(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParameter'],
      resourceArns: [this.thresholds.parameterArn, this.silences.parameterArn, ...this.overrideArns],
    });
  }
}
