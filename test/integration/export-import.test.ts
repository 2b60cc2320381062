/**
 * `zk-lookout export` / `import` as child processes, against a DynamoDB table served by
 * dynalite (the AWS path, through the SDK's endpoint variable) and against a local store
 * folder: a round trip is exact, a second import adds nothing, a bad line is reported with
 * its number and skipped, and --ensemble/--from/--to select by key.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRoundLine } from '../../functions/core/probe/round-lines.ts';
import { localDynamo, TEST_CREDENTIALS } from '../support/dynalite-table.ts';

const FIXTURE = 'test/fixtures/rounds/fault-script.jsonl';
const fixtureLines = readFileSync(FIXTURE, 'utf8').trim().split('\n');
const dir = mkdtempSync(join(tmpdir(), 'export-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let env: NodeJS.ProcessEnv = {};
/** Asynchronous on purpose: dynalite serves from this very process, so a blocking spawn would deadlock. */
const cli = (args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['bin/zk-lookout.mjs', ...args], { encoding: 'utf8', timeout: 60_000, env }, (err, stdout, stderr) =>
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
const normalised = (lines: string[]) => lines.map((l, i) => JSON.stringify(parseRoundLine(l, i + 1))).sort();

describe.each(['dynamodb', 'store'] as const)('export/import against %s', (kind) => {
  let target: string[];

  beforeAll(async () => {
    if (kind === 'dynamodb') {
      const dynamo = await localDynamo();
      const table = await dynamo.createResultsTable('export');
      env = { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey };
      target = ['--table', table];
    } else {
      env = { ...process.env };
      target = ['--store', join(dir, 'store')];
    }
  });

  it('imports a file, and importing it again adds nothing', async () => {
    const first = await cli(['import', ...target, '--in', FIXTURE, '--json']);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ imported: fixtureLines.length, existing: 0, invalid: 0 });
    const again = await cli(['import', ...target, '--in', FIXTURE, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, existing: fixtureLines.length, invalid: 0 });
  });

  it('exports exactly what was imported (every ensemble, by Scan)', async () => {
    const out = join(dir, `${kind}-all.jsonl`);
    const result = await cli(['export', ...target, '--out', out]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`export: ${fixtureLines.length} round(s)`);
    expect(normalised(readFileSync(out, 'utf8').trim().split('\n'))).toEqual(normalised(fixtureLines));
  });

  it('selects one ensemble and a time window, in time order', async () => {
    const times = fixtureLines.map((l, i) => parseRoundLine(l, i + 1).scheduledAt).sort();
    const [from, to] = [times[10] as string, times[19] as string];
    const result = await cli(['export', ...target, '--ensemble', 'fault-script', '--from', from, '--to', to]);
    expect(result.status).toBe(0);
    const got = result.stdout.trim().split('\n').map((l, i) => parseRoundLine(l, i + 1).scheduledAt);
    expect(got).toEqual(times.slice(10, 20));
    expect((await cli(['export', ...target, '--ensemble', 'no-such'])).stdout).toBe('');
  });

  it('reports a bad line with its number, imports the rest, and exits 1', async () => {
    const mixed = join(dir, `${kind}-mixed.jsonl`);
    const extra = JSON.parse(fixtureLines[0] as string);
    extra.scheduledAt = '2030-01-01T00:00:00.000Z';
    writeFileSync(mixed, [fixtureLines[1], '{"scheduledAt": "yesterday"}', '', JSON.stringify(extra)].join('\n'));
    const result = await cli(['import', ...target, '--in', mixed, '--json']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/line 2: scheduledAt: expected an ISO time, got "yesterday" \(skipped\)/);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: 1, existing: 1, invalid: 1 });
  });
});

describe('export/import options', () => {
  it('needs exactly one of --table and --store, and an existing store to export', async () => {
    expect((await cli(['export'])).stderr).toMatch(/give exactly one of --table NAME .* or --store DIR/);
    const missing = await cli(['export', '--store', join(dir, 'nothing-here')]);
    expect(missing.status).toBe(64);
    expect(missing.stderr).toContain(`no local store at ${join(dir, 'nothing-here')}`);
    expect((await cli(['export', '--store', dir, '--from', 'last week'])).stderr).toMatch(/--from: expected an ISO time/);
  });
});
