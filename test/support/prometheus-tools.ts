/**
 * Child processes for the Prometheus integration tests: `zk-lookout run`, Debian's
 * promtool and Alertmanager. Each is killed in the calling file's afterAll, whatever
 * happened in its tests; a missing binary fails with the command that installs it.
 */
import { freePort } from './ports.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { forgetProcess, recordProcess } from '../../scripts/process-registry.ts';

export const PROMTOOL = '/usr/bin/promtool';
export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

/** Throws (failing the file) when a Debian tool is missing, naming the package to install. */
export function requireTool(path: string, debianPackage: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: install it with "apt-get update && apt-get install -y --no-install-recommends ${debianPackage}"`);
  return path;
}


export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Child {
  process: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

/** Starts a process that is SIGTERMed (then SIGKILLed) after the file's tests. */
export function startChild(command: string, args: string[]): Child {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  recordProcess(child.pid, [command, ...args].join(' '));
  child.once('exit', () => forgetProcess(child.pid));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  afterAll(() => stopChild(child));
  return { process: child, output: () => output };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** `zk-lookout run` with a config written to `dir`. */
export function startRun(dir: string, config: unknown, args: string[] = []): Child {
  const path = join(dir, 'zk-lookout.json');
  writeFileSync(path, JSON.stringify(config));
  return startChild('node', ['bin/zk-lookout.mjs', 'run', '--config', path, '--memory', ...args]);
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, child?: Child): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (child && child.process.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}${child ? `\n--- output ---\n${child.output().slice(-3000)}` : ''}`);
}

/** Runs promtool with `input` on stdin; resolves with its exit code and output. */
export function runWithStdin(command: string, args: string[], input: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.stdin.end(input);
  });
}

/** Debian's Alertmanager on loopback with a null receiver, its own data dir, and no gossip port. */
export async function startAlertmanager(dir: string): Promise<{ url: string; child: Child }> {
  requireTool(ALERTMANAGER, 'prometheus-alertmanager');
  const port = await freePort();
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, ['route:', '  receiver: "null"', '  group_wait: 1s', 'receivers:', '  - name: "null"', ''].join('\n'));
  const child = startChild(ALERTMANAGER, [
    `--config.file=${config}`,
    `--storage.path=${join(dir, 'alertmanager-data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await eventually('Alertmanager ready', async () => ((await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })).ok ? true : undefined), 20_000, child);
  return { url, child };
}
