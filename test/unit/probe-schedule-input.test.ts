import { describe, expect, it } from 'vitest';
import { DeploymentConfigError } from '../../infra/config/deployment-config.ts';
import { MAX_PROBE_INPUT_BYTES } from '../../infra/constructs/probe-schedule.ts';
import type { ProbeScheduleInput } from '../../functions/contract/handler-environment.ts';
import { parseProbeEvent } from '../../functions/contract/probe-event.ts';
import { exampleConfig, synthStack } from '../support/infra-stack.ts';

type Config = ReturnType<typeof exampleConfig> & { ensembles: Record<string, unknown>[] };

/** The input of the probe schedule of `ensemble`, as the template carries it. */
function scheduleInput(config: unknown, ensemble: string): ProbeScheduleInput {
  const { template } = synthStack(config);
  const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as { Properties: { Target: { Input: string } } }[];
  const inputs = schedules.map((s) => JSON.parse(s.Properties.Target.Input) as Partial<ProbeScheduleInput>);
  const input = inputs.find((i) => i.ensemble?.name === ensemble);
  if (!input) throw new Error(`no probe schedule for ${ensemble}`);
  return input as ProbeScheduleInput;
}

describe('probe schedule input', () => {
  it('carries the znode rules in the canary and the TLS port, and the probe accepts it', () => {
    const config = exampleConfig() as Config;
    Object.assign(config.ensembles[1]!, {
      securePort: 2281,
      znodeRules: [
        { check: 'children', path: '/brokers/ids', min: 3 },
        { check: 'election', path: '/controller_epoch', name: 'controller' },
      ],
    });
    const input = scheduleInput(config, 'kafka-zk');
    expect(input.ensemble.securePort).toBe(2281);
    expect(input.ensemble.canary).toEqual({
      root: '/zk-lookout/canary',
      znodeRules: [
        { check: 'children', path: '/brokers/ids', min: 3 },
        { check: 'election', path: '/controller_epoch', name: 'controller' },
      ],
    });
    const event = parseProbeEvent({ ...input, scheduledTime: '2026-03-01T12:00:00Z' });
    expect(event.ensemble.canary?.znodeRules).toHaveLength(2);
    expect(event.ensemble.securePort).toBe(2281);
  });

  it('leaves znodeRules out of an ensemble that has none', () => {
    expect(scheduleInput(exampleConfig(), 'orders-zk').ensemble.canary).toEqual({ root: '/zk-lookout/canary' });
  });

  it(`fails synth naming the ensemble when the input exceeds ${MAX_PROBE_INPUT_BYTES} bytes`, () => {
    const config = exampleConfig() as Config;
    // 50 rules (the most an ensemble may have) with long names and regexes: about 11 KB.
    config.ensembles[0]!.znodeRules = Array.from({ length: 50 }, (_, i) => ({
      check: 'data',
      name: `payments instance ${i} publishes a running or starting state for its shard`.padEnd(80, '.'),
      path: `/services/payments/instance-${i}/config`,
      regex: `^\\{"state":"(RUNNING|STARTING)","shard":${i}`,
    }));
    expect(() => synthStack(config)).toThrow(DeploymentConfigError);
    expect(() => synthStack(config)).toThrow(
      new RegExp(`^ensemble "orders-zk": its probe schedule input would be \\d+ bytes, over the ${MAX_PROBE_INPUT_BYTES} allowed; its 50 znodeRules take \\d+ of them: use fewer or shorter rules`),
    );
  });
});
