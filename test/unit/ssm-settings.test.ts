import { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SsmSettings } from '../../functions/adapters/aws/ssm-settings.ts';

const ssm = mockClient(SSMClient);
const STAGE = '/zk-lookout/test';

function params(values: Record<string, string | undefined>) {
  ssm.reset();
  ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => {
    const value = values[input.Name];
    if (value === undefined) throw new ParameterNotFound({ message: `Parameter ${input.Name} not found`, $metadata: {} });
    return { Parameter: { Name: input.Name, Value: value } };
  });
}

function quietLogger() {
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const error = vi.spyOn(logger, 'error');
  return { logger, error };
}

const good = JSON.stringify({ forRounds: 2, signals: { 'fd-use': { nu: 0.9 } } });
const silences = JSON.stringify([{ ensemble: 'prod', until: '2999-01-01T00:00:00Z', reason: 'forever test' }]);

describe('SSM settings', () => {
  beforeEach(() => ssm.reset());
  afterEach(() => vi.restoreAllMocks());

  it('reads the stage document, the ensemble override and the silences', async () => {
    params({
      [`${STAGE}/thresholds`]: good,
      [`${STAGE}/ensembles/prod/thresholds`]: JSON.stringify({ warnAt: 0.7 }),
      [`${STAGE}/silences`]: silences,
    });
    const { logger, error } = quietLogger();
    const settings = await new SsmSettings({ stage: 'test', client: new SSMClient({}), logger }).load('prod');
    expect(settings.configProblems).toEqual([]);
    expect(settings.thresholds).toMatchObject({ ensembleName: 'prod', forRounds: 2, warnAt: 0.7 });
    expect(settings.thresholds.signals['fd-use'].nu).toBe(0.9);
    expect(settings.silences).toHaveLength(1);
    expect(error).not.toHaveBeenCalled();
  });

  it('missing parameters mean defaults and no silences, without a problem', async () => {
    params({});
    const settings = await new SsmSettings({ stage: 'test', client: new SSMClient({}), logger: quietLogger().logger }).load('prod');
    expect(settings.configProblems).toEqual([]);
    expect(settings.thresholds.forRounds).toBe(3);
    expect(settings.silences).toEqual([]);
  });

  it('a bad document keeps the last good one, logs its path and reason, and reports a config problem', async () => {
    const { logger, error } = quietLogger();
    const store = new SsmSettings({ stage: 'test', client: new SSMClient({}), logger, maxAgeS: 0 });
    params({ [`${STAGE}/thresholds`]: good });
    expect((await store.load('prod')).thresholds.forRounds).toBe(2);

    params({ [`${STAGE}/thresholds`]: '{"forRounds": 2, "signals": {"fd-use": {"tau": 0}}}' });
    const after = await store.load('prod');
    expect(after.thresholds.forRounds).toBe(2);
    expect(after.thresholds.signals['fd-use'].nu).toBe(0.9);
    expect(after.configProblems).toHaveLength(1);
    expect(after.configProblems[0]).toMatch(/^\/zk-lookout\/test\/thresholds: signals\.fd-use\.tau: tau must be > 0.*\(using the last good version\)$/);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('invalid settings document'), {
      parameter: `${STAGE}/thresholds`,
      errors: [expect.objectContaining({ path: 'signals.fd-use.tau' })],
    });
  });

  it('a bad document with no good one before falls back to the defaults; bad silences to none', async () => {
    params({ [`${STAGE}/thresholds`]: 'not json', [`${STAGE}/silences`]: '[{"ensemble":"prod"}]' });
    const settings = await new SsmSettings({ stage: 'test', client: new SSMClient({}), logger: quietLogger().logger }).load('prod');
    expect(settings.thresholds.forRounds).toBe(3);
    expect(settings.silences).toEqual([]);
    expect(settings.configProblems).toHaveLength(2);
    expect(settings.configProblems.join('\n')).toMatch(/thresholds: \$: invalid JSON.*using the defaults/);
    expect(settings.configProblems.join('\n')).toMatch(/silences: \[0\]\.until: .*\[0\]\.reason/);
  });

  it('an ensemble override that conflicts with the stage document is a problem; the stage document still applies', async () => {
    params({ [`${STAGE}/thresholds`]: good, [`${STAGE}/ensembles/prod/thresholds`]: '{"clearAt": 0.9}' });
    const settings = await new SsmSettings({ stage: 'test', client: new SSMClient({}), logger: quietLogger().logger }).load('prod');
    expect(settings.thresholds.forRounds).toBe(2);
    expect(settings.thresholds.clearAt).toBe(0.3);
    expect(settings.configProblems[0]).toMatch(/ensembles\/prod\/thresholds: ensembles\.prod\.clearAt: clearAt \(0\.9\) must not be above warnAt/);
  });

  it('a failed read (throttling, access) keeps the last good version and says so', async () => {
    const store = new SsmSettings({ stage: 'test', client: new SSMClient({}), logger: quietLogger().logger, maxAgeS: 0 });
    params({ [`${STAGE}/thresholds`]: good });
    await store.load('prod');
    ssm.reset();
    ssm.on(GetParameterCommand).rejects(new Error('Rate exceeded'));
    const settings = await store.load('prod');
    expect(settings.thresholds.forRounds).toBe(2);
    expect(settings.configProblems.some((p) => /thresholds: could not read: Rate exceeded \(using the last good version\)/.test(p))).toBe(true);
  });

  it('caches values and absences for maxAge: a second load makes no SSM call', async () => {
    params({ [`${STAGE}/thresholds`]: good });
    const store = new SsmSettings({ stage: 'test', client: new SSMClient({}), logger: quietLogger().logger, maxAgeS: 60 });
    await store.load('prod');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(3);
    await store.load('prod');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(3);
    const names = ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input.Name).sort();
    expect(names).toEqual([`${STAGE}/ensembles/prod/thresholds`, `${STAGE}/silences`, `${STAGE}/thresholds`]);
  });
});
