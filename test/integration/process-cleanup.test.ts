/**
 * A test run that fails leaves nothing running: a nested vitest run whose files fail in
 * beforeAll or have their worker SIGKILLed, after which every process it recorded (a
 * ZooKeeper JVM per file, an Alertmanager) is gone.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRegistry, recordProcess, REGISTRY_ENV, survivors, waitAllGone } from '../../scripts/process-registry.ts';

const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-cleanup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nestedRun(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [resolve('node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/fixtures/process-cleanup/vitest.config.ts'],
      { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 240_000 },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? null) : 0, output: stdout + stderr }),
    );
  });
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('a failing test run leaves no process behind', () => {
  it('beforeAll throws in one file, the other file\'s worker is SIGKILLed: every recorded server is gone afterwards', async () => {
    const registry = join(dir, 'processes.jsonl');
    const pidsFile = join(dir, 'killed-worker-pids.json');
    const result = await nestedRun({ [REGISTRY_ENV]: registry, ZK_LOOKOUT_CLEANUP_PIDS: pidsFile });

    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toContain('beforeAll failed on purpose');
    const recorded = readRegistry(registry);
    // A ZooKeeper server per file and the killed file's Alertmanager.
    expect(recorded.filter((p) => p.what.startsWith('zookeeper server')).length, JSON.stringify(recorded)).toBe(2);
    expect(recorded.filter((p) => p.what.includes('prometheus-alertmanager')).length).toBe(1);
    // The pids the killed file saw, checked directly too, not only through the registry.
    const killedWorkerPids = JSON.parse(readFileSync(pidsFile, 'utf8')) as number[];
    expect(killedWorkerPids).toHaveLength(2);
    expect(killedWorkerPids.filter(alive)).toEqual([]);
    expect(survivors(registry)).toEqual([]);
  });
});

describe('the CI check after the tests (scripts/process-registry.ts check)', () => {
  it('lists a recorded process that is still running, fails, and kills it', async () => {
    const registry = join(dir, 'ci-check.jsonl');
    const previous = process.env[REGISTRY_ENV];
    process.env[REGISTRY_ENV] = registry;
    const stray = spawn('sleep', ['300'], { stdio: 'ignore' });
    const ended = new Promise((done) => stray.once('exit', done));
    try {
      recordProcess(stray.pid, 'sleep 300 (a stand-in for a leftover server)');
    } finally {
      process.env[REGISTRY_ENV] = previous;
    }
    const check = () => spawnSync(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/process-registry.ts', 'check', registry], { encoding: 'utf8', timeout: 60_000 });

    const first = check();
    expect(first.status).toBe(1);
    expect(first.stderr).toBe(`1 of the 1 processes the test run started are still running:\n  pid ${stray.pid}: sleep 300 (a stand-in for a leftover server)\n`);
    await ended;
    expect(await waitAllGone(readRegistry(registry))).toEqual([]);

    const second = check();
    expect(second.status).toBe(0);
    expect(second.stdout).toBe('none of the 1 processes the test run started is still running\n');
  });
});
