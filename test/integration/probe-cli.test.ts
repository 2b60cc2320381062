import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { PROBE_ROUND_VERSION } from '../../functions/contract/probe-round.ts';
import { formatAddress } from '../../functions/contract/server-address.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'zk-lookout.mjs');
const trio = inject('trio');
const serversArg = trio.servers.map(formatAddress).join(',');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('zk-lookout probe', () => {
  it('--json prints the ProbeRound with the documented fields', async () => {
    const { code, stdout } = await cli('probe', '--servers', serversArg, '--canary', '--json');
    expect(code).toBe(0);
    const round = JSON.parse(stdout);
    expect(round.version).toBe(PROBE_ROUND_VERSION);
    expect(round.servers.map((s: { address: string }) => s.address)).toEqual(trio.servers.map(formatAddress));
    expect(round.servers.map((s: { mode: string }) => s.mode).sort()).toEqual(['follower', 'follower', 'leader']);
    expect(round.servers.every((s: { error?: unknown }) => s.error === undefined)).toBe(true);
    expect(round.ensemble).toMatchObject({ leaderCount: 1, hasQuorum: true });
    expect(round.canary.ok).toBe(true);
  });

  it('prints a readable table without --json', async () => {
    const { code, stdout } = await cli('probe', '--servers', serversArg, '--admin-port', trio.servers.map((s) => s.adminPort).join(','));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^SERVER\s+MODE\s+ZXID/);
    expect(stdout).toMatch(/leader/);
    expect(stdout).toMatch(/1 leader\(s\), 3\/3 serving, quorum yes/);
  });

  it('reports a dead server in the table with its error', async () => {
    const { stdout } = await cli('probe', '--servers', '127.0.0.1:1', '--timeout-ms', '500');
    expect(stdout).toMatch(/127\.0\.0\.1:1\s+unreachable.*connection-refused/);
  });

  it('--help documents every option', async () => {
    const { code, stdout } = await cli('probe', '--help');
    expect(code).toBe(0);
    for (const option of ['--servers', '--admin-port', '--admin', '--canary', '--canary-root', '--timeout-ms', '--words', '--tls', '--tls-ca', '--digest-file', '--name', '--json']) {
      expect(stdout).toContain(option);
    }
  });

  it.each([
    [['probe'], /needs --servers/],
    [['probe', '--servers', 'zk1:notaport'], /--servers: server 1 of 1: "zk1:notaport" is not host:port/],
    [['probe', '--servers', 'a:2181,b:99999'], /server 2 of 2: "b:99999": port must be 1-65535/],
    [['probe', '--servers', 'a:2181', '--timeout-ms', 'soon'], /--timeout-ms must be a whole number/],
    [['probe', '--servers', 'a:2181,b:2181', '--admin-port', '1,2,3'], /one per server \(2\), got 3/],
    [['probe', '--servers', 'a:2181', '--words', 'mntr,dump'], /unknown word\(s\) dump/],
    [['probe', '--servers', 'a:2181', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['probe', '--servers', 'a:2181', '--canary', '--digest-file', '/nonexistent/creds'], /--digest-file: cannot read \/nonexistent\/creds/],
  ])('%j exits 64 saying what is wrong', async (args, message) => {
    const { code, stderr } = await cli(...args);
    expect(code).toBe(64);
    expect(stderr).toMatch(message);
  });
});
