import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseThresholds } from '../../functions/contract/thresholds.ts';

const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-thresholds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/zk-lookout.mjs', 'thresholds', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('zk-lookout thresholds', () => {
  it('defaults prints a document that validates', async () => {
    const { code, stdout } = await cli('defaults');
    expect(code).toBe(0);
    expect(parseThresholds(stdout).ok).toBe(true);
  });

  it('validate exits 0 for a valid document and 1 with one <path>: <reason> line per error', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, '{"forRounds": 2}');
    expect((await cli('validate', good)).code).toBe(0);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"forRounds": 0, "signals": {"fd-use": {"tau": -1}, "disk": {}}}');
    const { code, stdout } = await cli('validate', bad);
    expect(code).toBe(1);
    expect(stdout.trim().split('\n').sort()).toEqual([
      'forRounds: must be at least 1',
      expect.stringMatching(/^signals\.disk: unknown signal "disk"/),
      expect.stringMatching(/^signals\.fd-use\.tau: tau must be > 0/),
    ]);
  });

  it('validate --silences checks a silences list', async () => {
    const file = join(dir, 'silences.json');
    writeFileSync(file, '[{"ensemble":"prod","until":"soon","reason":"x"}]');
    const { code, stdout } = await cli('validate', '--silences', file);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^\[0\]\.until: expected an ISO 8601 time/);
  });

  it('usage errors exit 64', async () => {
    expect((await cli()).code).toBe(64);
    expect((await cli('validate')).code).toBe(64);
    expect((await cli('validate', join(dir, 'missing.json'))).code).toBe(64);
  });
});
