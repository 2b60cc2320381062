/**
 * `zk-lookout check` as Nagios runs it: a child process, one line on stdout, the exit code.
 */
import { freePort } from '../support/ports.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { privateEnsemble } from '../support/ensembles.ts';

const trio = inject('trio');
const broken = await privateEnsemble({ size: 3 });
const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/zk-lookout.mjs', 'check', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}


const servers = (ports: number[]) => ports.map((p) => `127.0.0.1:${p}`).join(',');

describe('zk-lookout check', () => {
  it('a healthy trio is OK (exit 0) with performance data', async () => {
    const { code, stdout } = await check('--servers', servers(trio.servers.map((s) => s.port)), '--timeout-ms', '2000');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toMatch(/^ZK-LOOKOUT OK - 3\/3 serving, leader 127\.0\.0\.1:\d+, warning probability [\d.e-]+ \| /);
    expect(stdout).toMatch(/ leaders=1;;;0 serving=3;;2:;0;3 quorum=1;;1:;0;1 warn_probability=[\d.e-]+;0\.5;;0;1 probe_ms=\d+ms;;;0/);
  });

  it('a port where nothing listens is CRITICAL (exit 2)', async () => {
    const { code, stdout } = await check('--servers', servers([await freePort()]), '--timeout-ms', '1000');
    expect(code).toBe(2);
    expect(stdout).toMatch(/^ZK-LOOKOUT CRITICAL - quorum lost: 0 of 1 servers serving/);
  });

  it('an ensemble with two of three servers stopped is CRITICAL (exit 2)', async () => {
    const [a, b] = await broken.followers();
    if (a === undefined || b === undefined) throw new Error('need two followers');
    await Promise.all([broken.stop(a), broken.stop(b)]);
    const { code, stdout } = await check('--servers', broken.connectString, '--timeout-ms', '1000');
    expect(code).toBe(2);
    expect(stdout).toMatch(/^ZK-LOOKOUT CRITICAL - quorum lost: 0 of 3 servers serving .*\(\+\d consequent alarms\) \| leaders=0;;;0 serving=0;;2:;0;3 quorum=0/);
  });

  it('a warning threshold the healthy trio exceeds is WARNING (exit 1)', async () => {
    const file = join(dir, 'strict.json');
    writeFileSync(file, JSON.stringify({ signals: { 'fd-use': { nu: 0, tau: 0.0001 } } }));
    const { code, stdout } = await check('--servers', servers(trio.servers.map((s) => s.port)), '--thresholds', file);
    expect(code).toBe(1);
    // One warning per cause: the line gives the cause's own sentence (value with its unit, ν, risk).
    expect(stdout).toMatch(/^ZK-LOOKOUT WARNING - fd-use [\d.]+ % on 127\.0\.0\.1:\d+ \(ν 0 %, τ 0\.01 %, risk 100 %\)/);
  });

  it('an invalid thresholds document or bad options are UNKNOWN (exit 3) and say why', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"signals":{"fd-use":{"tau":0}}}');
    const bad = await check('--servers', '127.0.0.1:1', '--thresholds', file);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toMatch(/^ZK-LOOKOUT UNKNOWN - invalid thresholds: .*bad\.json: signals\.fd-use\.tau: tau must be > 0/);
    const usage = await check('--timeout-ms', '5');
    expect(usage.code).toBe(3);
    expect(usage.stdout).toMatch(/^ZK-LOOKOUT UNKNOWN - check needs --servers/);
  });
});
