/**
 * EventBridge Scheduler for the stack: one schedule group (the watchdog alarms on it as a
 * whole), one encrypted dead-letter queue for invocations Scheduler gave up on, and a
 * schedule per ensemble whose input carries the ensemble and the scheduled time.
 */
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DeploymentConfigError } from '../config/deployment-config.ts';
import type { ProbeScheduleInput, ProbeTarget } from '../../functions/contract/handler-environment.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';

/** A failed invocation is retried at most this often; the next firing is soon anyway. */
export const SCHEDULE_RETRY_ATTEMPTS = 2;

/**
 * Largest probe schedule input we write. CloudFormation states no maximum for a
 * schedule's `Input` (only a minimum of 1), so this cap is ours and conservative: the
 * payload rides along with every invocation, and 50 typical znode rules fit in it.
 */
export const MAX_PROBE_INPUT_BYTES = 8192;

export interface ProbeSchedulesProps {
  readonly stage: string;
}

export class ProbeSchedules extends Construct {
  readonly group: ScheduleGroup;
  readonly deadLetterQueue: Queue;
  /** The role Scheduler assumes to invoke every target, only from this account. */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ProbeSchedulesProps) {
    super(scope, id);
    // Named for the stage (names are per region), and deleted with the stack: a retained
    // group would keep its name taken, and the same stage could not be deployed again.
    this.group = new ScheduleGroup(this, 'Group', { scheduleGroupName: `zk-lookout-${props.stage}`, removalPolicy: RemovalPolicy.DESTROY });
    this.deadLetterQueue = deadLetterQueue(this, 'the Scheduler targets');
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: `zk-lookout ${props.stage}: Scheduler invokes the probes and the sweep`,
    });
  }

  /** Probe `target` every `rateMinutes` through `probe`. */
  addProbe(target: ProbeTarget, probe: IFunction, rateMinutes: number): Schedule {
    const input: ProbeScheduleInput = { ensemble: target, scheduledTime: ContextAttribute.scheduledTime };
    checkInputSize(input);
    return this.add(`Probe-${target.name}`, probe, ScheduleTargetInput.fromObject(input), rateMinutes, `zk-lookout: probe ensemble ${target.name}`);
  }

  /** Run `sweep` every `rateMinutes` with the scheduled time as its input. */
  addSweep(sweep: IFunction, rateMinutes: number): Schedule {
    const input = ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime });
    return this.add('Sweep', sweep, input, rateMinutes, 'zk-lookout: mark ensembles without recent rounds as probe-stale');
  }

  private add(id: string, fn: IFunction, input: ScheduleTargetInput, rateMinutes: number, description: string): Schedule {
    const functionLogicalId = Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason: `CDK's LambdaInvoke target grants lambda:InvokeFunction on ${fn.node.path} and its qualified versions (ARN:*); no other function.`,
    });
    return new Schedule(this, id, {
      scheduleGroup: this.group,
      description,
      schedule: ScheduleExpression.rate(Duration.minutes(rateMinutes)),
      target: new LambdaInvoke(fn, {
        input,
        role: this.role,
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        // A round older than two intervals tells nothing the next one will not.
        maxEventAge: Duration.minutes(2 * rateMinutes),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }
}

/** Fails synth with the ensemble, the size and what to shorten. */
function checkInputSize(input: ProbeScheduleInput): void {
  const bytes = Buffer.byteLength(JSON.stringify(input));
  if (bytes <= MAX_PROBE_INPUT_BYTES) return;
  const rules = input.ensemble.canary?.znodeRules ?? [];
  const ruleBytes = rules.length > 0 ? Buffer.byteLength(JSON.stringify(rules)) : 0;
  throw new DeploymentConfigError(
    `ensemble "${input.ensemble.name}": its probe schedule input would be ${bytes} bytes, over the ${MAX_PROBE_INPUT_BYTES} allowed; ` +
      `its ${rules.length} znodeRules take ${ruleBytes} of them: use fewer or shorter rules (or names)`,
  );
}
