import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalEnsemble } from '../../scripts/local-ensemble.ts';

describe('the local ensemble only signals what it started', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-foreign-'));
  const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
  afterAll(() => {
    stranger.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to pause, kill or stop a PID whose command line is not its server', async () => {
    mkdirSync(join(dir, 'server1'));
    const configPath = join(dir, 'server1', 'zoo.cfg');
    writeFileSync(
      join(dir, 'ensemble.json'),
      JSON.stringify({ dir, servers: [{ id: 1, clientPort: 1, quorumPort: 2, electionPort: 3, adminPort: 4, address: '127.0.0.1:1', configPath, pid: stranger.pid }] }),
    );
    const ensemble = LocalEnsemble.attach(dir);
    expect(() => ensemble.pause(1)).toThrow(/not running as a process this ensemble started/);
    await ensemble.kill(1);
    await ensemble.stop(1);
    await ensemble.close();
    expect(stranger.exitCode).toBeNull();
    expect(stranger.signalCode).toBeNull();
    expect(() => process.kill(stranger.pid as number, 0)).not.toThrow();
  });

  it('names the server it does not have', () => {
    const ensemble = LocalEnsemble.attach(dir);
    expect(() => ensemble.server(7)).toThrow('no server 7 in this ensemble (ids 1)');
  });
});
