/**
 * A prober out of file descriptors (issue 17) reports a fault of the checker, never the
 * server down: a child process that has taken all its descriptors probes the shared
 * healthy trio; every server comes back `unprobed` with a `checker-fault` error naming
 * EMFILE, and the evaluator raises the checker-fault notice, not server-down or quorum-lost.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { evaluateRound } from '../../functions/core/evaluate/evaluate-round.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';

const trio = inject('trio');

describe('a prober out of file descriptors', () => {
  it('reports every server unprobed (checker-fault: EMFILE), and only the checker-fault notice fires', () => {
    const script = join(import.meta.dirname, '..', 'support', 'emfile-probe.ts');
    const servers = trio.servers.map((s) => `127.0.0.1:${s.port}`).join(',');
    const child = spawnSync('bash', ['-c', `ulimit -n 128 && exec "${process.execPath}" --import tsx "${script}" ${servers}`], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status, child.stderr).toBe(0);
    const { held, round } = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { held: number; round: ProbeRound };
    expect(held).toBeGreaterThan(0);
    for (const server of round.servers) {
      expect(server.mode).toBe('unprobed');
      expect(server.error).toMatchObject({ kind: 'checker-fault' });
      expect(server.error?.message).toContain('EMFILE');
    }
    const now = new Date(round.startedAt);
    const { evaluation } = evaluateRound(undefined, round, { thresholds: resolveThresholds(DEFAULT_THRESHOLDS, 'emfile'), silences: [], configProblems: [] }, now);
    expect(evaluation.transitions.map((t) => [t.alertName, t.change])).toEqual([['checker-fault', 'fired']]);
  });
});
