/**
 * Config an operator can start from: the example local config is what `run --config`
 * accepts, `zk-lookout init` writes one, and the JSON Schemas the examples point their
 * editors at are current with the zod schemas.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JSON_SCHEMA_FILES, jsonSchemaText } from '../../cli/json-schemas.ts';
import { loadLocalConfig } from '../../cli/local/local-config.ts';
import { parseThresholds } from '../../functions/contract/thresholds.ts';

const EXAMPLE = 'zk-lookout.local.example.json';
const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function zkLookout(args: string[], cwd = '.'): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('node', [resolve('bin/zk-lookout.mjs'), ...args], { cwd, timeout: 30_000 }, (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}

describe('config to start from', () => {
  it(`${EXAMPLE} is a valid local config, and its $schema exists`, () => {
    const config = loadLocalConfig(EXAMPLE);
    expect(config.ensembles.map((e) => e.servers)).toEqual([['127.0.0.1:22000', '127.0.0.1:22010', '127.0.0.1:22020']]);
    const { $schema } = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { $schema: string };
    expect($schema).toBe('./docs/zk-lookout.local.schema.json');
    expect(existsSync(resolve(dirname(EXAMPLE), $schema))).toBe(true);
  });

  it.each(JSON_SCHEMA_FILES.map((f) => [f.file, f] as const))('%s is current (regenerate: npm run config-schema)', (file, entry) => {
    expect(readFileSync(file, 'utf8')).toBe(jsonSchemaText(entry));
  });

  it('the local config schema accepts $schema and names every top-level field', () => {
    const schema = JSON.parse(readFileSync('docs/zk-lookout.local.schema.json', 'utf8')) as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['$schema', 'ensembles', 'intervalSeconds', 'storeDir', 'thresholdsFile', 'silencesFile', 'channels', 'links', 'alertmanager']));
    expect(schema.additionalProperties).toBe(false);
  });

  it('a thresholds document may carry "$schema" for its editor', () => {
    expect(parseThresholds(JSON.stringify({ $schema: '../docs/thresholds.schema.json', warnAt: 0.6 }))).toMatchObject({ ok: true, value: { warnAt: 0.6 } });
  });

  it('init writes a config run accepts, with its $schema, and never overwrites one', async () => {
    const written = await zkLookout(['init', '--servers', 'zk1:2181,zk2:2181,zk3:2181', '--name', 'prod-zk'], dir);
    expect(written).toMatchObject({ code: 0, stdout: 'wrote zk-lookout.local.json; start it with: npx zk-lookout run --config zk-lookout.local.json --metrics-port 9464\n' });
    const file = join(dir, 'zk-lookout.local.json');
    const config = loadLocalConfig(file);
    expect(config.ensembles).toMatchObject([{ name: 'prod-zk', servers: ['zk1:2181', 'zk2:2181', 'zk3:2181'] }]);
    expect(config.silencesFile).toBe(join(dir, '.zk-lookout', 'silences.json'));
    const { $schema } = JSON.parse(readFileSync(file, 'utf8')) as { $schema: string };
    expect(resolve(dir, $schema)).toBe(resolve('docs/zk-lookout.local.schema.json'));

    const again = await zkLookout(['init', '--servers', 'zk9:2181'], dir);
    expect(again).toMatchObject({ code: 64, stderr: 'zk-lookout: init: zk-lookout.local.json exists; pass --out FILE for another file (it is never overwritten)\n' });
    expect(loadLocalConfig(file).ensembles[0]?.servers).toEqual(['zk1:2181', 'zk2:2181', 'zk3:2181']);
  });
});
