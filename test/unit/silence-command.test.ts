/**
 * `zk-lookout silence add|list|remove` through its `run(argv)`: against a local file end
 * to end, and against the SSM parameter with the SSM client mocked (optimistic
 * concurrency included). The command the alert message suggests is pasted as it is.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/commands/silence.ts';
import { UsageError } from '../../cli/usage-error.ts';
import { buildAlertMessage } from '../../functions/core/deliver/build-alert-message.ts';
import { matchSilence, parseSilences, type Silence } from '../../functions/contract/silences.ts';
import { TRANSITION_VERSION, type Transition } from '../../functions/contract/transition.ts';

const dir = mkdtempSync(join(tmpdir(), 'silence-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let out: string[] = [];
let err: string[] = [];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

/** The argv of a pasted shell command (the message builder quotes with POSIX single quotes). */
function shellWords(command: string): string[] {
  return [...command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] as string)));
}

const readList = (file: string): Silence[] => {
  const parsed = parseSilences(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
};

describe('silence, file mode', () => {
  const file = join(dir, 'nested', 'silences.json');

  it('runs the exact command an alert message suggests', async () => {
    const transition: Transition = {
      version: TRANSITION_VERSION,
      ensembleName: 'prod-zk',
      alertKey: 'server-down:10.0.0.7:2181',
      alertName: 'server-down',
      level: 'alarm',
      server: '10.0.0.7:2181',
      change: 'fired',
      summary: 'server 10.0.0.7:2181 down',
      since: new Date().toISOString(),
      at: new Date().toISOString(),
      roundId: 'r1',
      signals: [],
      notify: true,
    };
    const message = buildAlertMessage({ ensembleName: 'prod-zk', roundId: 'r1', evaluatedAt: new Date().toISOString(), transitions: [transition] });
    const argv = shellWords(message?.silenceCommand as string);
    expect(argv.slice(0, 4)).toEqual(['npx', 'zk-lookout', 'silence', 'add']);

    expect(await run([...argv.slice(3), '--file', file])).toBe(0);
    const [silence] = readList(file);
    expect(silence).toMatchObject({ ensemble: 'prod-zk', server: '10.0.0.7:2181', alertName: 'server-down', reason: 'investigating server-down:10.0.0.7:2181' });
    expect(silence?.id).toMatch(/^[0-9a-f]{6}$/);
    expect(out.join('\n')).toContain(`added silence ${silence?.id}`);
    // The silence written is one the evaluator applies to that alert.
    expect(matchSilence(readList(file), { ensembleName: 'prod-zk', alertName: 'server-down', server: '10.0.0.7:2181' }, new Date())).toBeDefined();
  });

  it('adds with a relative --until and --signal, lists, and removes by id', async () => {
    const before = Date.now();
    expect(await run(['add', '--ensemble', '*', '--signal', 'latency-avg', '--until', '+2h', '--reason', 'load test', '--by', 'ana', '--file', file])).toBe(0);
    const added = readList(file).at(-1) as Silence;
    expect(added).toMatchObject({ ensemble: '*', signal: 'latency-avg', createdBy: 'ana' });
    expect(Date.parse(added.until) - before).toBeGreaterThanOrEqual(2 * 3600_000 - 1000);
    expect(Date.parse(added.until) - before).toBeLessThan(2 * 3600_000 + 60_000);

    out = [];
    expect(await run(['list', '--json', '--file', file])).toBe(0);
    const listed = JSON.parse(out.join('')) as (Silence & { expired: boolean })[];
    expect(listed.map((s) => s.id)).toEqual(readList(file).map((s) => s.id));

    expect(await run(['remove', added.id as string, '--file', file])).toBe(0);
    expect(readList(file).map((s) => s.id)).not.toContain(added.id);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['silences.json']);
  });

  it('prunes expired silences on write, and says which id is unknown on remove', async () => {
    const expired: Silence = { id: 'old1', ensemble: 'x', until: '2001-01-01T00:00:00Z', reason: 'long gone' };
    writeFileSync(file, JSON.stringify([...readList(file), expired]));
    out = [];
    expect(await run(['list', '--file', file])).toBe(0);
    expect(out.join('\n')).toMatch(/old1 .*\(expired\)/);

    expect(await run(['remove', 'nope', '--file', file])).toBe(1);
    expect(err.join('\n')).toMatch(/no silence with id "nope" \(ids: .*old1/);
    expect(await run(['add', '--ensemble', 'x', '--until', '+1h', '--reason', 'r', '--file', file])).toBe(0);
    expect(readList(file).map((s) => s.id)).not.toContain('old1');
  });

  it('rejects an invalid silence, a past --until and a bad time, naming what was wrong', async () => {
    const text = readFileSync(file, 'utf8');
    expect(await run(['add', '--ensemble', 'x', '--alert', 'bogus', '--until', '+1h', '--reason', 'r', '--file', file])).toBe(1);
    expect(err.join('\n')).toMatch(/alertName: must be one of "server-down", /);
    expect(await run(['add', '--ensemble', 'x', '--until', '2001-01-01T00:00:00Z', '--reason', 'r', '--file', file])).toBe(1);
    expect(err.join('\n')).toMatch(/not in the future/);
    await expect(run(['add', '--ensemble', 'x', '--until', 'tomorrow', '--reason', 'r', '--file', file])).rejects.toThrow(/--until: expected an ISO time with a zone .* or \+N/);
    await expect(run(['add', '--ensemble', 'x', '--until', '+1h', '--file', file])).rejects.toThrow(UsageError);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('refuses to edit a file that is not a valid silences list', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '[{"ensemble": "x"}]');
    expect(await run(['add', '--ensemble', 'x', '--until', '+1h', '--reason', 'r', '--file', broken])).toBe(1);
    expect(err.join('\n')).toMatch(/file .*broken\.json is not a valid silences list \(fix it first\): \[0\]\.until/);
    expect(readFileSync(broken, 'utf8')).toBe('[{"ensemble": "x"}]');
  });
});

describe('silence, SSM mode', () => {
  const ssm = mockClient(SSMClient);
  const NAME = '/zk-lookout/prod/silences';
  let stored: { value?: string; version: number };

  beforeEach(() => {
    ssm.reset();
    stored = { version: 0 };
    ssm.on(GetParameterCommand, { Name: NAME }).callsFake(() => {
      if (stored.value === undefined) throw new ParameterNotFound({ message: 'not found', $metadata: {} });
      return { Parameter: { Name: NAME, Value: stored.value, Version: stored.version } };
    });
    ssm.on(PutParameterCommand, { Name: NAME }).callsFake((input: { Value: string }) => {
      stored = { value: input.Value, version: stored.version + 1 };
      return { Version: stored.version };
    });
  });

  it('creates the parameter when missing (Overwrite false), then overwrites it compactly', async () => {
    expect(await run(['add', '--stage', 'prod', '--ensemble', 'prod-zk', '--alert', 'quorum-lost', '--until', '+1h', '--reason', 'upgrade'])).toBe(0);
    const first = ssm.commandCalls(PutParameterCommand)[0]?.args[0].input;
    expect(first).toMatchObject({ Name: NAME, Type: 'String', Overwrite: false });
    expect(first?.Value).not.toContain('\n');

    expect(await run(['add', '--stage', 'prod', '--ensemble', 'prod-zk', '--until', '+1h', '--reason', 'second'])).toBe(0);
    expect(ssm.commandCalls(PutParameterCommand)[1]?.args[0].input).toMatchObject({ Overwrite: true });
    const list = JSON.parse(stored.value as string) as Silence[];
    expect(list.map((s) => s.reason)).toEqual(['upgrade', 'second']);
  });

  it('re-reads before the put and applies the edit again when someone else wrote in between', async () => {
    stored = { value: JSON.stringify([{ id: 'aaa111', ensemble: 'x', until: '2999-01-01T00:00:00Z', reason: 'theirs' }]), version: 3 };
    let gets = 0;
    ssm.on(GetParameterCommand, { Name: NAME }).callsFake(() => {
      gets++;
      // Between our read and our pre-put check, another operator adds a silence.
      if (gets === 2) stored = { value: JSON.stringify([...JSON.parse(stored.value as string), { id: 'bbb222', ensemble: 'y', until: '2999-01-01T00:00:00Z', reason: 'also theirs' }]), version: 4 };
      return { Parameter: { Name: NAME, Value: stored.value, Version: stored.version } };
    });
    expect(await run(['add', '--stage', 'prod', '--ensemble', 'z', '--until', '+1h', '--reason', 'mine'])).toBe(0);
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(1);
    const list = JSON.parse(stored.value as string) as Silence[];
    expect(list.map((s) => s.reason)).toEqual(['theirs', 'also theirs', 'mine']);
  });

  it('lists and removes through the parameter; ZK_LOOKOUT_STAGE picks the stage', async () => {
    stored = { value: JSON.stringify([{ id: 'abc123', ensemble: 'x', until: '2999-01-01T00:00:00Z', reason: 'keep' }, { id: 'def456', ensemble: 'x', until: '2999-01-01T00:00:00Z', reason: 'drop' }]), version: 1 };
    vi.stubEnv('ZK_LOOKOUT_STAGE', 'prod');
    try {
      expect(await run(['list', '--json'])).toBe(0);
      expect((JSON.parse(out.join('')) as Silence[]).map((s) => s.id)).toEqual(['abc123', 'def456']);
      expect(await run(['remove', 'def456'])).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
    expect((JSON.parse(stored.value as string) as Silence[]).map((s) => s.id)).toEqual(['abc123']);
  });
});
