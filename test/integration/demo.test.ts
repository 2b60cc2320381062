/**
 * The demo, shortened, against real servers: the expected alarms fire and resolve, and
 * nothing it started is left running or listening.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkPrerequisites, runDemo } from '../../scripts/demo.ts';

function javaProcessesFor(ports: number[]): string[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out.split('\n').filter((line) => line.includes('QuorumPeerMain') && ports.some((p) => line.includes(`ensemble-${process.pid}-${p}`)));
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

describe('npm run demo -- --short', () => {
  it('finds Java and ZooKeeper here', () => {
    expect(checkPrerequisites()).toBeUndefined();
  });

  it('fires and resolves the expected alarms, then leaves no process or port behind', async () => {
    const lines: string[] = [];
    const results = await runDemo({ short: true, say: (line) => lines.push(line) });

    expect(results.map((r) => r.fault)).toEqual([
      expect.stringMatching(/^pause follower/),
      expect.stringMatching(/^kill leader/),
      expect.stringMatching(/^lose quorum/),
    ]);
    const [paused, killed, quorum] = results;
    expect(paused?.alert).toMatch(/^server-down:127\.0\.0\.1:\d+$/);
    expect(killed?.alerts.some((a) => a.startsWith('server-down:'))).toBe(true);
    expect(quorum?.alert).toBe('quorum-lost');
    for (const r of results) {
      expect(r.firedAfterMs).toBeGreaterThan(0);
      expect(r.resolvedAfterMs).toBeGreaterThanOrEqual(0);
    }
    expect(lines.some((l) => l.includes('✖ ALARM quorum-lost'))).toBe(true);
    expect(lines.some((l) => l.includes('✔ RESOLVED quorum-lost'))).toBe(true);
    expect(lines.join('\n')).toMatch(/fault\s+first alert\s+fired after\s+resolved after restore/);

    const up = lines.find((l) => l.startsWith('ensemble up: ')) as string;
    const clientPorts = [...up.matchAll(/:(\d+)/g)].map((m) => Number(m[1]));
    const allPorts = clientPorts.flatMap((p) => [p, p + 1, p + 2, p + 3]);
    expect(javaProcessesFor([clientPorts[0] as number])).toEqual([]);
    expect(await Promise.all(allPorts.map(portFree))).toEqual(allPorts.map(() => true));
  });
});
