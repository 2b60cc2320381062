/**
 * A record of every server a test run starts (ZooKeeper JVMs, Alertmanager, Chromium,
 * `zk-lookout run`), so that nothing outlives the run even when the process that started
 * it cannot clean up: a file that throws in beforeAll, a worker that is killed.
 *
 * The registry is a JSON Lines file named by ZK_LOOKOUT_PROCESS_REGISTRY (the test run's
 * global setup sets it; workers and their children inherit it). Each line names a PID and
 * its start time from /proc, so a PID reused by an unrelated process is never signalled.
 * Without the variable (the demo, the CLI), nothing is recorded.
 *
 *   tsx scripts/process-registry.ts check FILE   # lists survivors; exit 1 if any (CI)
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const REGISTRY_ENV = 'ZK_LOOKOUT_PROCESS_REGISTRY';

export interface RecordedProcess {
  pid: number;
  /** Clock ticks since boot at which the process started (/proc/PID/stat field 22). */
  startTicks: string;
  /** What it is, for the report: `zookeeper server 2 (…/zoo.cfg)`. */
  what: string;
  /** Started as the leader of its own process group: the whole group goes with it. */
  group: boolean;
}

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces; fields after it are plain.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Alive, not a zombie, and still the process that was recorded. */
export function isSameProcessAlive(entry: RecordedProcess): boolean {
  const fields = statFields(entry.pid);
  if (!fields) return false;
  const [state] = fields;
  // Field 22 of stat is the 20th after the command name (state is field 3).
  return state !== 'Z' && state !== 'X' && fields[19] === entry.startTicks;
}

/** The processes this process recorded and has not seen end: killed if it exits first. */
const ownChildren = new Map<number, RecordedProcess>();
process.on('exit', () => {
  for (const entry of ownChildren.values()) killRecorded(entry);
});

export interface RecordOptions {
  /** It leads its own process group (spawned `detached`). @default false */
  group?: boolean;
  /** Kill it when this process exits, unless `forgetProcess` said it was stopped. @default true */
  killOnExit?: boolean;
}

/** Notes a process just started, in the run's registry when there is one. */
export function recordProcess(pid: number | undefined, what: string, options: RecordOptions = {}): void {
  if (pid === undefined) return;
  const startTicks = statFields(pid)?.[19];
  if (startTicks === undefined) return; // already gone
  const entry: RecordedProcess = { pid, startTicks, what, group: options.group ?? false };
  if (options.killOnExit ?? true) ownChildren.set(pid, entry);
  const file = process.env[REGISTRY_ENV];
  // One short line per write with O_APPEND: parallel workers never interleave inside a line.
  if (file) appendFileSync(file, JSON.stringify(entry) + '\n');
}

export function forgetProcess(pid: number | undefined): void {
  if (pid !== undefined) ownChildren.delete(pid);
}

export function readRegistry(file: string): RecordedProcess[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedProcess);
}

export function survivors(file: string): RecordedProcess[] {
  return readRegistry(file).filter(isSameProcessAlive);
}

function killRecorded(entry: RecordedProcess): boolean {
  if (!isSameProcessAlive(entry)) return false;
  try {
    // A SIGSTOPped process dies of SIGKILL too, but CONT first lets its group's children see it.
    process.kill(entry.group ? -entry.pid : entry.pid, 'SIGCONT');
    process.kill(entry.group ? -entry.pid : entry.pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs every recorded process still alive; returns those it killed. */
export function reapRegistry(file: string): RecordedProcess[] {
  return readRegistry(file).filter(killRecorded);
}

/** Waits until none of `entries` is alive, or the deadline passes; returns those still alive. */
export async function waitAllGone(entries: RecordedProcess[], timeoutMs = 10_000): Promise<RecordedProcess[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = entries.filter(isSameProcessAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    alive = alive.filter(isSameProcessAlive);
  }
  return alive;
}

export function describeProcesses(entries: RecordedProcess[]): string {
  return entries.map((e) => `  pid ${e.pid}: ${e.what}`).join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [command, file] = process.argv.slice(2);
  if (command !== 'check' || !file) {
    console.error('usage: tsx scripts/process-registry.ts check REGISTRY_FILE');
    process.exit(64);
  }
  const recorded = readRegistry(file);
  const alive = survivors(file);
  if (alive.length > 0) {
    console.error(`${alive.length} of the ${recorded.length} processes the test run started are still running:\n${describeProcesses(alive)}`);
    reapRegistry(file);
    process.exit(1);
  }
  console.log(`none of the ${recorded.length} processes the test run started is still running`);
}
