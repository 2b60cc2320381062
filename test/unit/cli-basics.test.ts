/**
 * The command as an operator meets it first: --version, no arguments, every command's help.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
