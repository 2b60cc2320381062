/**
 * `npm run demo`: zk-lookout against a real 3-server ensemble, started for you, while a
 * fault script plays: pause a follower, kill the leader, lose quorum, and restore each.
 * Alerts print as they fire and resolve; a table of fault → alert → resolve latencies
 * ends it. Every process it starts is removed, on success, error and Ctrl-C alike.
 *   npm run demo            (about a minute and a half)
 *   npm run demo -- --short (faster cadence, for CI)
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { AlertMessage } from '../functions/contract/alert-message.ts';
import { openEmbeddedStore } from '../functions/adapters/local/embedded-store.ts';
import { parseLocalConfig } from '../cli/local/local-config.ts';
import { LocalNotifier } from '../cli/local/local-notifier.ts';
import { LocalPipeline } from '../cli/local/local-pipeline.ts';
import { statusLine } from '../cli/local/status-line.ts';
import { LocalEnsemble, ZooKeeperMissingError, zookeeperClasspath } from './local-ensemble.ts';

/** What one change of one alert looked like when it reached the console. */
export interface AlertEvent {
  at: number;
  alertKey: string;
  change: 'fired' | 'reminder' | 'resolved';
  level: string;
}

export interface FaultResult {
  fault: string;
  /** The first alert that fired after the fault, and after how long. */
  alert?: string;
  firedAfterMs?: number;
  /** Time from the restore to the last of the fault's alerts resolving. */
  resolvedAfterMs?: number;
  /** Every alert key that fired during the fault. */
  alerts: string[];
}

export interface DemoOptions {
  short?: boolean;
  /** Where to say things (the console by default; tests collect them). */
  say?: (line: string) => void;
  /** Aborts the fault script early; the cleanup still runs. */
  signal?: AbortSignal;
}

export const EXIT_MISSING_PREREQUISITE = 3;

const INSTALL_HINT = 'sudo apt-get update && sudo apt-get install -y default-jre-headless zookeeper';

/** Java and Debian's ZooKeeper jars, or a message saying how to install them. */
export function checkPrerequisites(): string | undefined {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0) return `Java is not installed (needed to run ZooKeeper). Install it with: ${INSTALL_HINT}`;
  try {
    zookeeperClasspath();
  } catch (err) {
    if (err instanceof ZooKeeperMissingError) return err.message;
    throw err;
  }
  return undefined;
}

export async function runDemo(options: DemoOptions = {}): Promise<FaultResult[]> {
  const say = options.say ?? ((line: string) => console.log(line));
  const interval = options.short ? 0.5 : 1;
  const events: AlertEvent[] = [];
  say('starting a 3-server ZooKeeper ensemble on loopback …');
  const ensemble = await LocalEnsemble.start({ size: 3, tickTime: 200 });
  const store = await openEmbeddedStore(null);
  const stop = new AbortController();
  let loop: Promise<void> = Promise.resolve();
  try {
    say(`ensemble up: ${ensemble.connectString}`);
    const config = parseLocalConfig(
      {
        ensembles: [
          {
            name: 'demo',
            servers: ensemble.addresses,
            adminPorts: ensemble.servers.map((s) => s.adminPort),
            timeoutMs: options.short ? 400 : 800,
          },
        ],
        intervalSeconds: interval,
        storeDir: null,
      },
      'demo config',
    );
    const notifier = new LocalNotifier({ channels: [], secrets: { get: () => Promise.reject(new Error('no channels in the demo')) }, ledger: store.ledger, show: (m) => record(m, events, say) });
    const pipeline = new LocalPipeline({ config, table: store.table, notifier });
    let quietTicks = 0;
    loop = pipeline.run(stop.signal, (ticks) => {
      for (const tick of ticks) {
        // Status lines only when something is wrong, or every 5th tick, to keep the story readable.
        const troubled = tick.error || !tick.round?.ensemble.hasQuorum || tick.round.ensemble.serving < tick.round.ensemble.size;
        if (troubled || ++quietTicks % 5 === 0) say(`  ${statusLine(tick, new Date())}`);
      }
    });

    const results: FaultResult[] = [];
    const waitFor = (what: string, predicate: () => boolean, timeoutMs: number) => poll(what, predicate, timeoutMs, options.signal);
    const settle = (ms: number) => delay(ms, options.signal);
    const timeoutMs = options.short ? 15_000 : 30_000;

    await settle(interval * 3000);

    const play = async (fault: string, inflict: () => Promise<string[]>, restore: () => Promise<void>, expect: (key: string) => boolean) => {
      say(`\n▶ fault: ${fault}`);
      const from = events.length;
      const t0 = Date.now();
      const keys = await inflict();
      await waitFor(`an alert for "${fault}"`, () => events.slice(from).some((e) => e.change === 'fired' && expect(e.alertKey)), timeoutMs);
      const first = events.slice(from).find((e) => e.change === 'fired' && expect(e.alertKey)) as AlertEvent;
      await settle(interval * 2000);
      say(`◀ restoring: ${keys.join(', ')}`);
      const tRestore = Date.now();
      await restore();
      const firedKeys = () => [...new Set(events.slice(from).filter((e) => e.change === 'fired').map((e) => e.alertKey))];
      const open = () => firedKeys().filter((k) => events.filter((e) => e.alertKey === k).at(-1)?.change !== 'resolved');
      await waitFor(`"${fault}" alerts to resolve`, () => open().length === 0, timeoutMs);
      const lastResolved = Math.max(tRestore, ...events.slice(from).filter((e) => e.change === 'resolved').map((e) => e.at));
      results.push({ fault, alert: first.alertKey, firedAfterMs: first.at - t0, resolvedAfterMs: lastResolved - tRestore, alerts: firedKeys() });
      await settle(interval * 2000);
    };

    const follower = (await ensemble.followers())[0] as number;
    await play(
      `pause follower ${follower} (SIGSTOP)`,
      async () => {
        ensemble.pause(follower);
        return [`resume ${follower}`];
      },
      async () => ensemble.resume(follower),
      (key) => key.includes(ensemble.server(follower).address),
    );

    const leader = (await ensemble.leader()) as number;
    await play(
      `kill leader ${leader} (SIGKILL)`,
      async () => {
        await ensemble.kill(leader);
        return [`restart ${leader}`];
      },
      async () => {
        ensemble.restart(leader);
        await ensemble.waitServing();
      },
      (key) => key.includes(ensemble.server(leader).address),
    );

    const [a, b] = [1, 2];
    await play(
      `lose quorum (stop servers ${a} and ${b})`,
      async () => {
        await Promise.all([ensemble.stop(a), ensemble.stop(b)]);
        return [`restart ${a}`, `restart ${b}`];
      },
      async () => {
        ensemble.restart(a);
        ensemble.restart(b);
        await ensemble.waitServing();
      },
      (key) => key === 'quorum-lost',
    );

    say(`\n${resultTable(results)}`);
    return results;
  } finally {
    stop.abort();
    await loop.catch(() => undefined);
    await store.close();
    await ensemble.close();
    say('\nall ZooKeeper processes stopped, store closed.');
  }
}

function record(message: AlertMessage, events: AlertEvent[], say: (line: string) => void): void {
  const at = Date.now();
  for (const change of message.changes) {
    events.push({ at, alertKey: change.alertKey, change: change.change, level: change.level });
    const mark = change.change === 'resolved' ? '✔ RESOLVED' : change.change === 'fired' ? `✖ ${change.level.toUpperCase()}` : '… still';
    say(`  ${mark} ${change.alertKey}: ${change.summary}`);
  }
}

export function resultTable(results: readonly FaultResult[]): string {
  const rows = [
    ['fault', 'first alert', 'fired after', 'resolved after restore', 'alerts fired'],
    ...results.map((r) => [r.fault, r.alert ?? '-', seconds(r.firedAfterMs), seconds(r.resolvedAfterMs), r.alerts.join(', ')]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

async function poll(what: string, predicate: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (signal?.aborted) throw new Error('demo interrupted');
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await delay(50, signal);
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { short: { type: 'boolean', default: false } } });
  const missing = checkPrerequisites();
  if (missing) {
    console.error(`zk-lookout demo: ${missing}`);
    return EXIT_MISSING_PREREQUISITE;
  }
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  process.once('SIGTERM', () => interrupt.abort());
  try {
    await runDemo({ short: values.short, signal: interrupt.signal });
    return 0;
  } catch (err) {
    console.error(`zk-lookout demo: ${(err as Error).message}`);
    return interrupt.signal.aborted ? 130 : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await main();
}
