/**
 * The first global setup of every test run: names the run's process registry
 * (scripts/process-registry.ts) before any worker starts, so every server a test starts
 * is recorded, and on teardown kills whatever is still alive, whichever file started it
 * and however its worker ended. .ci/run sets the registry itself and checks it once more
 * after both test runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeProcesses, reapRegistry, REGISTRY_ENV, waitAllGone } from '../../scripts/process-registry.ts';

export default function setup(): () => Promise<void> {
  // .ci/run names the registry itself, to check it after both test runs; else it is this run's.
  const given = process.env[REGISTRY_ENV];
  const ownDir = given === undefined ? mkdtempSync(join(tmpdir(), 'zk-lookout-run-')) : undefined;
  const file = given ?? join(ownDir as string, 'processes.jsonl');
  process.env[REGISTRY_ENV] = file;
  return async () => {
    const reaped = reapRegistry(file);
    if (ownDir !== undefined && reaped.length === 0) rmSync(ownDir, { recursive: true, force: true });
    if (reaped.length === 0) return;
    // Not an error by itself (a killed worker cannot clean up), but worth seeing.
    console.warn(`zk-lookout tests: killed ${reaped.length} process(es) their test files left running:\n${describeProcesses(reaped)}`);
    const stuck = await waitAllGone(reaped);
    if (stuck.length > 0) throw new Error(`processes survived SIGKILL:\n${describeProcesses(stuck)}`);
  };
}
