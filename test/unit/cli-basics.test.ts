/**
 * The command as an operator meets it first: --version, no arguments, every command's help.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function zkLookout(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/zk-lookout.mjs', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const COMMANDS = ['probe', 'thresholds', 'check', 'export', 'import', 'backtest', 'silence', 'run', 'init'];

describe('zk-lookout', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await zkLookout('--version')).toEqual({ code: 0, stdout: `zk-lookout ${version}\n`, stderr: '' });
  });

  it('no arguments: usage on stderr, nothing on stdout, exit 64', async () => {
    const { code, stdout, stderr } = await zkLookout();
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^usage: zk-lookout <command> \[options\]\n/);
    expect(stderr).toContain('exit codes: 0 success; 64 bad command line (usage); 70 internal error; 78 bad configuration');
  });

  it('--help is the same usage on stdout with exit 0', async () => {
    const { code, stdout } = await zkLookout('--help');
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`\\n  ${command} +\\S`));
  });

  it.each(COMMANDS)('%s --help lists its exit codes', async (command) => {
    const { code, stdout } = await zkLookout(command, '--help');
    expect(code).toBe(0);
    const codes = /\nexit codes[^:]*: ([\s\S]*)$/.exec(stdout)?.[1] ?? '';
    expect(codes, stdout).toMatch(command === 'check' ? /^0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN/ : /^0 [\s\S]*64 bad options[\s\S]*70 internal error/);
  });
});

describe('a build older than the sources', () => {
  it('still runs, and says on stderr which source changed and how to rebuild', async () => {
    const { sources } = JSON.parse(readFileSync('dist/cli/sources.json', 'utf8')) as { builtAt: number; sources: string[] };
    expect(sources).toContain('cli/main.ts');
    expect(sources.some((s) => s.includes('node_modules'))).toBe(false);
    // A copy of the command whose build time predates its sources (the real build is shared with other tests).
    const copy = mkdtempSync(join(tmpdir(), 'zk-lookout-stale-'));
    try {
      cpSync('bin', join(copy, 'bin'), { recursive: true });
      cpSync('dist/cli', join(copy, 'dist', 'cli'), { recursive: true });
      for (const source of sources) cpSync(source, join(copy, source));
      writeFileSync(join(copy, 'dist', 'cli', 'sources.json'), JSON.stringify({ builtAt: 0, sources }));
      const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile('node', [join(copy, 'bin', 'zk-lookout.mjs'), '--version'], { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? -1 : 0, stdout, stderr }));
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^zk-lookout \d+\.\d+\.\d+\n$/);
      expect(result.stderr).toBe(`zk-lookout: ${sources[0]} changed after the command was built; run: npm run build:cli\n`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
