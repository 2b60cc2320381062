/**
 * `zk-lookout run` as a real child process against a private 3-server ensemble: it keeps
 * going while the whole ensemble disappears and returns (alarms fire, then resolve); a
 * malformed thresholds file mid-run raises config-invalid while the last good thresholds
 * stay in force; SIGINT stops it at once with exit 0 and the store flushed; and a store
 * folder that cannot be written is a clear error at start.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { privateEnsemble } from '../support/ensembles.ts';
import { forgetProcess, recordProcess } from '../../scripts/process-registry.ts';
import { waitUntil } from '../support/wait-until.ts';

const ENSEMBLE = 'resilient';
const dir = mkdtempSync(join(tmpdir(), 'run-resilience-'));
const storeDir = join(dir, 'store');
const thresholdsFile = join(dir, 'thresholds.json');
/** Every round raises the early warning: an average latency above -1 ms is "risky". Defaults never would. */
const GOOD_THRESHOLDS = JSON.stringify({ forRounds: 1, minFiringMinutes: 0, signals: { 'latency-avg': { nu: -1, tau: 0.1, mode: 'w' } } });
/** One warning per cause: latency-avg on each server is its own `early-warning:latency-avg:<server>`. */
const isWarning = (c: { alertKey: string }) => c.alertKey.startsWith('early-warning:');

interface Change {
  alertKey: string;
  change: 'fired' | 'reminder' | 'resolved';
  summary: string;
}
interface Line {
  alert?: { changes: Change[] };
  ensemble?: string;
  error?: string;
  at: number;
}

class RunProcess {
  readonly lines: Line[] = [];
  stderr = '';
  exit?: { code: number | null; signal: NodeJS.Signals | null; at: number };
  private readonly exited: Promise<void>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let buffer = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const part of parts) if (part.trim()) this.lines.push({ ...(JSON.parse(part) as object), at: Date.now() });
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(void (this.exit = { code, signal, at: Date.now() }))));
  }

  static start(args: string[]): RunProcess {
    const child = spawn(process.execPath, ['bin/zk-lookout.mjs', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    // Recorded, so a killed worker cannot leave a `run` polling forever (test/support/process-reaper.ts).
    recordProcess(child.pid, `zk-lookout ${args.join(' ')}`);
    child.once('exit', () => forgetProcess(child.pid));
    return new RunProcess(child);
  }

  changes(from = 0): (Change & { at: number })[] {
    return this.lines.slice(from).flatMap((l) => (l.alert?.changes ?? []).map((c) => ({ ...c, at: l.at })));
  }

  ticks(): number {
    return this.lines.filter((l) => l.ensemble === ENSEMBLE).length;
  }

  async waitFor(what: string, predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
    const running = () => {
      if (this.exit) throw new Error(`zk-lookout run exited (${this.exit.code ?? this.exit.signal}) while waiting for ${what}: ${this.stderr.slice(-800)}`);
      return true;
    };
    try {
      await waitUntil(() => running() && predicate(), what, { timeoutMs, everyMs: 50 });
    } catch (err) {
      throw this.exit ? err : new Error(`${(err as Error).message}; stderr: ${this.stderr.slice(-800)}`);
    }
  }

  async waitExit(timeoutMs: number): Promise<NonNullable<RunProcess['exit']>> {
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    if (!this.exit) throw new Error(`zk-lookout run still running ${timeoutMs} ms later`);
    return this.exit;
  }

  kill(): Promise<void> {
    if (this.exit) return Promise.resolve();
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

const started: RunProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.kill()));
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, ensemble: LocalEnsemble, overrides: Record<string, unknown> = {}): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      ensembles: [{ name: ENSEMBLE, servers: ensemble.addresses, adminPorts: ensemble.servers.map((s) => s.adminPort), timeoutMs: 400 }],
      intervalSeconds: 0.5,
      storeDir,
      thresholdsFile,
      ...overrides,
    }),
  );
  return path;
}

describe('zk-lookout run, resilience', () => {
  let ensemble: LocalEnsemble;
  let run: RunProcess;

  beforeAll(async () => {
    ensemble = await privateEnsemble({ size: 3, tickTime: 200 });
    writeFileSync(thresholdsFile, GOOD_THRESHOLDS);
    run = RunProcess.start(['run', '--config', writeConfig('run.json', ensemble), '--json']);
    started.push(run);
    await run.waitFor('the first early warning', () => run.changes().some((c) => isWarning(c) && c.change === 'fired'));
  });

  it('(a) keeps going while the whole ensemble disappears and returns: quorum-lost fires, then resolves', async () => {
    const from = run.lines.length;
    await Promise.all(ensemble.servers.map((s) => ensemble.stop(s.id)));
    await run.waitFor('quorum-lost to fire', () => run.changes(from).some((c) => c.alertKey === 'quorum-lost' && c.change === 'fired'));
    const ticksWhileDown = run.ticks();
    await run.waitFor('more rounds while everything is down', () => run.ticks() >= ticksWhileDown + 4);

    for (const s of ensemble.servers) ensemble.restart(s.id);
    await ensemble.waitServing();
    await run.waitFor('quorum-lost to resolve', () => run.changes(from).some((c) => c.alertKey === 'quorum-lost' && c.change === 'resolved'));
    expect(run.exit).toBeUndefined();
    expect(run.changes(from).filter((c) => c.alertKey === 'quorum-lost').map((c) => c.change)).toEqual(['fired', 'resolved']);
  });

  it('(c) a malformed thresholds file raises config-invalid, keeps the last good thresholds, and fixing it resolves', async () => {
    // Each server's warning is its own cause and fires again when that server is back with a
    // latency interval; wait for all three, or a late one would fire during the check below.
    await run.waitFor('the early warning firing again on every server after the outage', () => {
      const last = new Map(run.changes().filter(isWarning).map((c) => [c.alertKey, c.change]));
      return ensemble.servers.every((s) => last.get(`early-warning:latency-avg:${s.address}`) === 'fired');
    });
    const from = run.lines.length;
    writeFileSync(thresholdsFile, '{ "forRounds": 1, "signals": ');
    await run.waitFor('config-invalid to fire', () => run.changes(from).some((c) => c.alertKey === 'config-invalid' && c.change === 'fired'));
    const invalid = run.changes(from).find((c) => c.alertKey === 'config-invalid') as Change;
    expect(invalid.summary).toContain(thresholdsFile);
    expect(invalid.summary).toMatch(/invalid JSON.*using the last good version/);

    // With the defaults the early warning would resolve within a round; the last good document keeps it firing.
    const ticks = run.ticks();
    await run.waitFor('six rounds on the broken file', () => run.ticks() >= ticks + 6);
    expect(run.changes(from).filter(isWarning)).toEqual([]);

    const fixedAt = run.lines.length;
    writeFileSync(thresholdsFile, GOOD_THRESHOLDS);
    await run.waitFor('config-invalid to resolve', () => run.changes(fixedAt).some((c) => c.alertKey === 'config-invalid' && c.change === 'resolved'));
    expect(run.exit).toBeUndefined();
  });

  it('(d) SIGINT stops it within a few seconds, exit code 0, and the store holds every round (flushed)', async () => {
    const ticks = run.ticks();
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const exit = await run.waitExit(10_000);
    expect(exit.code).toBe(0);
    expect(exit.at - sentAt).toBeLessThan(5_000);

    // A second process opens the same store folder and reads the rounds back.
    const exported = spawnSync(process.execPath, ['bin/zk-lookout.mjs', 'export', '--store', storeDir, '--ensemble', ENSEMBLE, '--json'], { encoding: 'utf8', timeout: 30_000 });
    expect(exported.status).toBe(0);
    const rounds = exported.stdout.trim().split('\n');
    expect(rounds.length).toBeGreaterThanOrEqual(ticks);
    expect(JSON.parse(exported.stderr.trim().split('\n').at(-1) as string)).toMatchObject({ exported: rounds.length, skipped: 0 });
  });

  it('(b) a store folder that cannot be written is a clear error at start, naming the folder', () => {
    // We run as root, so permission bits do not stop writes; a path through a regular file does (ENOTDIR) for anyone.
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'a regular file');
    const badStore = join(file, 'store');
    const result = spawnSync(process.execPath, ['bin/zk-lookout.mjs', 'run', '--config', writeConfig('bad-store.json', ensemble, { storeDir: badStore }), '--json'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr.trim()).toBe(`zk-lookout: store folder ${badStore} cannot be written (ENOTDIR); choose another with "storeDir" or run with --memory`);
    expect(result.stdout).toBe('');
  });
});
