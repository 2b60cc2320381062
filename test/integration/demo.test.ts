/**
 * The demo, shortened, against real servers: the expected alarms fire and resolve, and
 * nothing it started is left running or listening.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/**
 * Processes listening on these ports, by PID. Other test files start ensembles in parallel
 * and may take a port the demo has given back, so "free" is not the test: "not ours" is.
 */
function listeners(): { port: number; pid: number; cmdline: string }[] {
  const out = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => ({ port: Number(/:(\d+)\s/.exec(line)?.[1]), pid: Number(/pid=(\d+)/.exec(line)?.[1]) }))
    .filter((l) => Number.isInteger(l.pid))
    .map((l) => ({ ...l, cmdline: readCmdline(l.pid) }));
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

describe('npm run demo -- --short', () => {
  it('finds Java and ZooKeeper here', () => {
    expect(checkPrerequisites()).toBeUndefined();
  });

  it('fires and resolves the expected alarms, then leaves no process or port behind', async () => {
    const lines: string[] = [];
    const listeningBefore = listeners().filter((l) => l.pid === process.pid).map((l) => l.port);
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
    const after = listeners();
    // The embedded store and anything else the demo served in this process are closed...
    expect(after.filter((l) => l.pid === process.pid).map((l) => l.port)).toEqual(listeningBefore);
    // ...and no server of its ensemble listens anywhere.
    expect(after.filter((l) => allPorts.includes(l.port) && l.cmdline.includes(`ensemble-${process.pid}-${clientPorts[0]}`))).toEqual([]);
  });
});
