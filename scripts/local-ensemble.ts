/**
 * A real ZooKeeper ensemble on loopback, from Debian's jars (or ZOOKEEPER_HOME), for tests,
 * the demo and benchmarks. It only ever signals processes it started: before a signal it
 * checks that the PID's command line still names this ensemble's zoo.cfg.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askWord } from '../functions/adapters/zookeeper/four-letter-client.ts';
import { parseSrvr } from '../functions/core/probe/four-letter-words.ts';
import { recordProcess } from './process-registry.ts';

export interface LocalEnsembleOptions {
  /** 1 starts a standalone server. @default 3 */
  size?: number;
  /** First of the ports; server i uses base+10(i-1) … +3. @default a free block found from 22000 */
  basePort?: number;
  /** @default 200 (elections in about a second) */
  tickTime?: number;
  /** Where configs, data and logs go. @default a new folder under the OS temp dir */
  dir?: string;
  /** `4lw.commands.whitelist`. @default '*' */
  whitelist?: string;
  /** `maxClientCnxns`: connections allowed per client IP; 0 is unlimited. @default 0 */
  maxClientCnxns?: number;
  /** Extra zoo.cfg lines, e.g. `jvm.pause.monitor=true`. */
  extraConfig?: Record<string, string | number>;
  /** Java heap per server. @default '256m' */
  heap?: string;
  /**
   * Also open a TLS client port (client port + 4) with a self-signed certificate made by
   * keytool; clients need not present one (`ssl.clientAuth=none`).
   */
  tls?: boolean;
  /**
   * Leave the servers running when this process exits (the `zk-ensemble` CLI). By default
   * they are killed on exit, so a test run or demo that dies never leaves JVMs behind.
   * @default false
   */
  outliveProcess?: boolean;
}

/** Ensembles to kill if this process exits before closing them. */
const killOnExit = new Set<LocalEnsemble>();
process.on('exit', () => {
  for (const ensemble of killOnExit) ensemble.killNow();
});

export interface LocalServer {
  id: number;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  adminPort: number;
  /** TLS client port, when the ensemble was started with `tls`. */
  securePort?: number;
  /** `127.0.0.1:<clientPort>` */
  address: string;
  configPath: string;
  pid?: number;
}

/** What survives between CLI invocations (`scripts/zk-ensemble.ts`). */
interface EnsembleStateFile {
  dir: string;
  servers: LocalServer[];
}

const JAVA_DIR = '/usr/share/java';
const STATE_FILE = 'ensemble.json';

export class ZooKeeperMissingError extends Error {
  override name = 'ZooKeeperMissingError';
}

/** The classpath, with the two fixes Debian's manifest lacks: a log binding and the servlet API. */
export function zookeeperClasspath(env: NodeJS.ProcessEnv = process.env, tls = false): string {
  const home = env.ZOOKEEPER_HOME;
  if (home) {
    const jars = [join(home, 'lib', '*'), join(home, '*')];
    return [...jars, join(home, 'conf')].join(':');
  }
  // netty-codec is missing from the manifest too; only the Netty (TLS) connection factory needs it.
  const needed = ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-log4j12.jar', 'log4j-1.2.jar', 'servlet-api.jar', ...(tls ? ['netty-codec.jar'] : [])];
  const missing = needed.filter((jar) => !existsSync(join(JAVA_DIR, jar)));
  if (missing.length > 0) {
    throw new ZooKeeperMissingError(
      `ZooKeeper is not installed (missing ${missing.map((m) => join(JAVA_DIR, m)).join(', ')}). ` +
        'Install it with: sudo apt-get update && sudo apt-get install -y zookeeper default-jre-headless ' +
        '(or set ZOOKEEPER_HOME to an Apache ZooKeeper release).',
    );
  }
  return needed.map((jar) => join(JAVA_DIR, jar)).join(':');
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Ports handed out by this process, so two ensembles started at once never share a block. */
const reserved = new Set<number>();

/**
 * A block of ports free right now. Blocks are spread by PID so that parallel test workers
 * rarely race for the same one, and 2181 is never in range.
 */
export async function findFreeBlock(count: number, from = 22000 + (process.pid % 400) * 50): Promise<number> {
  for (let base = from; base < 60000; base += count + 7) {
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (ports.some((p) => reserved.has(p))) continue;
    ports.forEach((p) => reserved.add(p));
    const free = await Promise.all(ports.map(portFree));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no block of ${count} free loopback ports found from ${from}`);
}

class PortTakenError extends Error {
  override name = 'PortTakenError';
}

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (`kill -0` reports zombies as alive; /proc does not lie). */
function isRunning(pid: number): boolean {
  const state = processState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

function ownsPid(server: LocalServer): server is LocalServer & { pid: number } {
  if (server.pid === undefined) return false;
  try {
    const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8');
    return cmdline.includes(server.configPath);
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LocalEnsemble {
  private constructor(
    readonly dir: string,
    readonly servers: LocalServer[],
    private readonly ownsDir: boolean,
    private readonly classpath: string,
    private readonly heap: string,
  ) {}

  /** `host:port,host:port,…` for clients. */
  get connectString(): string {
    return this.servers.map((s) => s.address).join(',');
  }

  get addresses(): string[] {
    return this.servers.map((s) => s.address);
  }

  server(id: number): LocalServer {
    const server = this.servers.find((s) => s.id === id);
    if (!server) throw new Error(`no server ${id} in this ensemble (ids ${this.servers.map((s) => s.id).join(', ')})`);
    return server;
  }

  /**
   * Writes the configs and starts every server; resolves once they are all serving.
   * Another process may take a port between our check and the JVM's bind: then the
   * ensemble is started again on a new block (only when the port was ours to choose).
   */
  static async start(options: LocalEnsembleOptions = {}): Promise<LocalEnsemble> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await LocalEnsemble.startOnce(options);
      } catch (err) {
        if (!(err instanceof PortTakenError) || options.basePort !== undefined || attempt >= 3) throw err;
      }
    }
  }

  private static async startOnce(options: LocalEnsembleOptions): Promise<LocalEnsemble> {
    const classpath = zookeeperClasspath(process.env, options.tls);
    const size = options.size ?? 3;
    if (!Number.isInteger(size) || size < 1 || size > 9) throw new Error(`size must be 1 to 9, got ${size}`);
    const basePort = options.basePort ?? (await findFreeBlock(size * 10));
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? join(tmpdir(), `zk-lookout-ensemble-${process.pid}-${basePort}`);
    mkdirSync(dir, { recursive: true });
    const servers: LocalServer[] = Array.from({ length: size }, (_, i) => {
      const base = basePort + i * 10;
      return {
        id: i + 1,
        clientPort: base,
        quorumPort: base + 1,
        electionPort: base + 2,
        adminPort: base + 3,
        ...(options.tls ? { securePort: base + 4 } : {}),
        address: `127.0.0.1:${base}`,
        configPath: join(dir, `server${i + 1}`, 'zoo.cfg'),
      };
    });
    const keyStore = options.tls ? makeKeyStore(dir) : undefined;
    for (const server of servers) writeServerConfig(server, servers, options, keyStore);
    const ensemble = new LocalEnsemble(dir, servers, ownsDir, classpath, options.heap ?? '256m');
    if (!options.outliveProcess) killOnExit.add(ensemble);
    try {
      for (const server of servers) ensemble.launch(server);
      ensemble.saveState();
      await ensemble.waitServing();
    } catch (err) {
      await ensemble.close();
      throw err;
    }
    return ensemble;
  }

  /** Re-attaches to an ensemble started by another process (the CLI). */
  static attach(dir: string): LocalEnsemble {
    const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as EnsembleStateFile;
    const tls = state.servers.some((s) => s.securePort !== undefined);
    return new LocalEnsemble(state.dir, state.servers, false, zookeeperClasspath(process.env, tls), '256m');
  }

  private launch(server: LocalServer): void {
    const dataDir = join(this.dir, `server${server.id}`);
    const child = spawn(
      'java',
      [
        `-Xmx${this.heap}`,
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        `-Dzookeeper.log.dir=${dataDir}`,
        '-Dlog4j.configuration=file:' + join(dataDir, 'log4j.properties'),
        '-cp',
        this.classpath,
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        server.configPath,
      ],
      { detached: true, stdio: 'ignore' },
    );
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start java for server ${server.id}`);
    server.pid = child.pid;
    // A test run's registry reaps it even if this process dies without its exit handler.
    recordProcess(child.pid, `zookeeper server ${server.id} (${server.configPath})`, { group: true, killOnExit: false });
  }

  private saveState(): void {
    const state: EnsembleStateFile = { dir: this.dir, servers: this.servers };
    writeFileSync(join(this.dir, STATE_FILE), JSON.stringify(state, null, 2));
  }

  /**
   * Asks `srvr` of each server; the mode it reports, or undefined when it does not serve.
   * The default deadline is generous: on a loaded machine a serving server can take over a
   * second to answer, and a test that reads that as "not a follower" fails for nothing.
   */
  async modes(timeoutMs = 3000): Promise<Map<number, string | undefined>> {
    const answers = await Promise.all(
      this.servers.map(async (s) => {
        const reply = await askWord({ host: '127.0.0.1', port: s.clientPort, word: 'srvr', timeoutMs });
        if (!reply.ok) return [s.id, undefined] as const;
        const parsed = parseSrvr(reply.text);
        return [s.id, parsed.kind === 'ok' ? parsed.value.mode : undefined] as const;
      }),
    );
    return new Map(answers);
  }

  /** Id of the server that says it leads (or is standalone), if exactly one does. */
  async leader(): Promise<number | undefined> {
    const modes = await this.modes();
    const leaders = [...modes].filter(([, m]) => m === 'leader' || m === 'standalone').map(([id]) => id);
    return leaders.length === 1 ? leaders[0] : undefined;
  }

  async followers(): Promise<number[]> {
    const modes = await this.modes();
    return [...modes].filter(([, m]) => m === 'follower').map(([id]) => id);
  }

  /** Resolves when the given servers (default all running) serve and there is one leader. */
  async waitServing(timeoutMs = 30_000, ids?: number[]): Promise<void> {
    const wanted = ids ?? this.servers.filter((s) => s.pid !== undefined && isRunning(s.pid)).map((s) => s.id);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const modes = await this.modes(500);
      last = [...modes].map(([id, m]) => `${id}:${m ?? 'down'}`).join(' ');
      const leaders = [...modes.values()].filter((m) => m === 'leader' || m === 'standalone').length;
      if (wanted.every((id) => modes.get(id) !== undefined) && leaders === 1) return;
      for (const server of this.servers) {
        if (wanted.includes(server.id) && server.pid !== undefined && !isRunning(server.pid)) {
          const logPath = join(this.dir, `server${server.id}`, 'zookeeper.log');
          const log = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
          const message = `ZooKeeper server ${server.id} exited during start; see ${logPath}`;
          throw /Address already in use|BindException/.test(log) ? new PortTakenError(message) : new Error(message);
        }
      }
      await sleep(100);
    }
    throw new Error(`ensemble in ${this.dir} not serving after ${timeoutMs} ms (${last})`);
  }

  private signal(id: number, signal: NodeJS.Signals): void {
    const server = this.server(id);
    if (!ownsPid(server)) throw new Error(`server ${id} is not running as a process this ensemble started`);
    process.kill(server.pid, signal);
  }

  /** SIGTERM, then waits for the process to be gone. */
  async stop(id: number): Promise<void> {
    const server = this.server(id);
    if (!ownsPid(server)) return;
    if (processState(server.pid) === 'T') process.kill(server.pid, 'SIGCONT');
    this.signal(id, 'SIGTERM');
    await this.waitGone(server, 10_000, 'SIGKILL');
  }

  async kill(id: number): Promise<void> {
    const server = this.server(id);
    if (!ownsPid(server)) return;
    this.signal(id, 'SIGKILL');
    await this.waitGone(server, 5_000);
  }

  pause(id: number): void {
    this.signal(id, 'SIGSTOP');
  }

  resume(id: number): void {
    this.signal(id, 'SIGCONT');
  }

  /** Starts a stopped or killed server again with its old config and data. */
  restart(id: number): void {
    const server = this.server(id);
    if (ownsPid(server) && isRunning(server.pid)) throw new Error(`server ${id} is still running`);
    this.launch(server);
    this.saveState();
  }

  /**
   * Changes zoo.cfg settings of a stopped server (`4lw.commands.whitelist`, `maxClientCnxns`,
   * …): an existing `key=` line is replaced, a new one appended. `restart` starts it with them.
   */
  setConfig(id: number, changes: Record<string, string | number>): void {
    const server = this.server(id);
    if (ownsPid(server) && isRunning(server.pid)) throw new Error(`server ${id} is running: stop it before changing its zoo.cfg`);
    for (const key of Object.keys(changes)) {
      if (!/^[A-Za-z0-9_.]+$/.test(key)) throw new Error(`zoo.cfg key ${JSON.stringify(key)} for server ${id} is not a setting name`);
    }
    const lines = readFileSync(server.configPath, 'utf8').split('\n').filter((line) => line.length > 0);
    const wanted = new Map(Object.entries(changes).map(([k, v]) => [k, String(v)]));
    const seen = new Set<string>();
    // Every line of a key is replaced: zoo.cfg may repeat one (extraConfig after a default).
    const updated = lines.map((line) => {
      const key = line.slice(0, line.indexOf('='));
      const value = wanted.get(key);
      if (value === undefined) return line;
      seen.add(key);
      return `${key}=${value}`;
    });
    const added = [...wanted].filter(([k]) => !seen.has(k)).map(([k, v]) => `${k}=${v}`);
    writeFileSync(server.configPath, [...updated, ...added].join('\n') + '\n');
  }

  isRunning(id: number): boolean {
    const server = this.server(id);
    return ownsPid(server) && isRunning(server.pid);
  }

  private async waitGone(server: LocalServer, timeoutMs: number, escalate?: NodeJS.Signals): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (ownsPid(server) && isRunning(server.pid)) {
      if (Date.now() > deadline) {
        if (!escalate) throw new Error(`server ${server.id} (pid ${server.pid}) did not exit`);
        process.kill(server.pid, escalate);
        return this.waitGone(server, 5_000);
      }
      await sleep(25);
    }
  }

  /** SIGKILL to every server still running, synchronously (also from an exit handler). */
  killNow(): void {
    for (const server of this.servers) {
      if (!ownsPid(server)) continue;
      if (processState(server.pid) === 'T') process.kill(server.pid, 'SIGCONT');
      process.kill(server.pid, 'SIGKILL');
    }
  }

  /** Kills every server this ensemble started and, if it made the folder, removes it. */
  async close(): Promise<void> {
    killOnExit.delete(this);
    this.killNow();
    await Promise.all(this.servers.map((s) => this.waitGone(s, 5_000)));
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

const KEYSTORE_PASSWORD = 'zk-lookout-test';

/** A throwaway self-signed certificate for the TLS port; the tests do not verify it. */
function makeKeyStore(dir: string): string {
  const path = join(dir, 'keystore.p12');
  if (existsSync(path)) return path;
  execFileSync(
    'keytool',
    ['-genkeypair', '-alias', 'zk', '-keyalg', 'RSA', '-keysize', '2048', '-keystore', path, '-storetype', 'PKCS12',
      '-storepass', KEYSTORE_PASSWORD, '-keypass', KEYSTORE_PASSWORD, '-dname', 'CN=localhost', '-validity', '2'],
    { stdio: 'ignore' },
  );
  return path;
}

function writeServerConfig(server: LocalServer, all: LocalServer[], options: LocalEnsembleOptions, keyStore?: string): void {
  const dataDir = join(server.configPath, '..');
  mkdirSync(dataDir, { recursive: true });
  const lines = [
    `tickTime=${options.tickTime ?? 200}`,
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${dataDir}`,
    `clientPort=${server.clientPort}`,
    'clientPortAddress=127.0.0.1',
    `4lw.commands.whitelist=${options.whitelist ?? '*'}`,
    'admin.enableServer=true',
    'admin.serverAddress=127.0.0.1',
    `admin.serverPort=${server.adminPort}`,
    `maxClientCnxns=${options.maxClientCnxns ?? 0}`,
    ...(keyStore && server.securePort
      ? [
          'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory',
          `secureClientPort=${server.securePort}`,
          `ssl.keyStore.location=${keyStore}`,
          `ssl.keyStore.password=${KEYSTORE_PASSWORD}`,
          'ssl.keyStore.type=PKCS12',
          'ssl.clientAuth=none',
        ]
      : []),
    ...Object.entries(options.extraConfig ?? {}).map(([k, v]) => `${k}=${v}`),
  ];
  if (all.length > 1) {
    lines.push(...all.map((s) => `server.${s.id}=127.0.0.1:${s.quorumPort}:${s.electionPort}`));
    writeFileSync(join(dataDir, 'myid'), `${server.id}\n`);
  }
  writeFileSync(server.configPath, lines.join('\n') + '\n');
  writeFileSync(
    join(dataDir, 'log4j.properties'),
    [
      'log4j.rootLogger=INFO, FILE',
      'log4j.appender.FILE=org.apache.log4j.FileAppender',
      `log4j.appender.FILE.File=${join(dataDir, 'zookeeper.log')}`,
      'log4j.appender.FILE.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] %-5p [%t] %c{1}:%L - %m%n',
    ].join('\n') + '\n',
  );
}
