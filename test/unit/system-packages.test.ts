/**
 * scripts/system-packages.sh, which `npm run demo`, `npm test` and .ci/run call first. The
 * packages are installed on this machine and other tests need them, so the script looks
 * under a made-up root (ZK_LOOKOUT_SYSTEM_ROOT) and runs a recording apt-get
 * (ZK_LOOKOUT_APT_GET): the decisions are the real script's, only the filesystem and the
 * package manager are stand-ins.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/system-packages.sh');
const DEMO_FILES = ['/usr/share/java/zookeeper.jar', '/usr/bin/java', '/usr/bin/python3', '/usr/bin/make', '/usr/bin/g++'];
const TEST_FILES = [...DEMO_FILES, '/usr/bin/promtool', '/usr/bin/prometheus-alertmanager', '/usr/bin/chromium'];

const work = mkdtempSync(join(tmpdir(), 'zk-lookout-system-packages-'));
chmodSync(work, 0o777);
afterAll(() => rmSync(work, { recursive: true, force: true }));

let roots = 0;
/** A root folder holding only the given files, readable and writable by anyone. */
function fakeRoot(present: string[]): string {
  const root = join(work, `root${++roots}`);
  for (const file of present) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  mkdirSync(root, { recursive: true });
  spawnSync('chmod', ['-R', 'a+rwX', root]);
  return root;
}

function executable(name: string, body: string): string {
  const path = join(work, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A stand-in apt-get that records each call and "installs" by creating the files. */
function recordingAptGet(root: string, creates: string[]): { path: string; calls: () => string[] } {
  const log = join(work, `apt-calls-${roots}.log`);
  const touch = creates.map((f) => `mkdir -p "${root}${f.replace(/\/[^/]+$/, '')}" && touch "${root}${f}"`).join('\n');
  const path = executable(`apt-get-${roots}`, `echo "$(id -u) DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "${log}"\n[ "$1" = install ] && { ${touch || 'true'}; }\nexit 0`);
  return { path, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

/** `sudo` answering as configured; a folder holding it goes first on PATH. */
function sudoDir(passwordless: boolean): string {
  const dir = join(work, passwordless ? 'sudo-yes' : 'sudo-no');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sudo'), passwordless ? '#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n' : '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n');
  chmodSync(join(dir, 'sudo'), 0o755);
  chmodSync(dir, 0o755);
  return dir;
}

const isRoot = process.getuid?.() === 0;

function runScript(purpose: string, env: Record<string, string>, asUser: 'root' | 'nobody') {
  const fullEnv = { PATH: '/usr/bin:/bin', ...env };
  // Tests run as root in CI: setpriv drops to nobody.
  // A developer's own account is not root already; for the root case it gets uid 0 in a user namespace.
  const [command, args] =
    asUser === 'nobody'
      ? isRoot
        ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', SCRIPT, purpose]]
        : ['bash', [SCRIPT, purpose]]
      : isRoot
        ? ['bash', [SCRIPT, purpose]]
        : ['unshare', ['--map-root-user', 'bash', SCRIPT, purpose]];
  const result = spawnSync(command, args, { env: fullEnv, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('system-packages.sh', () => {
  it('does nothing and says nothing when everything the tests need is there', () => {
    const root = fakeRoot(TEST_FILES);
    const apt = recordingAptGet(root, []);
    const result = runScript('test', { ZK_LOOKOUT_SYSTEM_ROOT: root, ZK_LOOKOUT_APT_GET: apt.path }, 'root');
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(apt.calls()).toEqual([]);
  });

  it('cannot install (not root, no passwordless sudo): exits 1 at once with the exact command for what is missing', () => {
    const root = fakeRoot(['/usr/bin/java', '/usr/bin/python3', '/usr/bin/make', '/usr/bin/g++', '/usr/bin/promtool']);
    const apt = recordingAptGet(root, []);
    const result = runScript('test', { ZK_LOOKOUT_SYSTEM_ROOT: root, ZK_LOOKOUT_APT_GET: apt.path, PATH: `${sudoDir(false)}:/usr/bin:/bin` }, 'nobody');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe('sudo apt-get update && sudo apt-get install -y --no-install-recommends zookeeper prometheus-alertmanager chromium');
    expect(lines[0]).toBe('system-packages: the test needs Debian packages this machine lacks:');
    expect(lines).toContain('  zookeeper (the ZooKeeper servers of the local ensembles; /usr/share/java/zookeeper.jar is missing)');
    expect(apt.calls()).toEqual([]);
  });

  it('the demo asks only for ZooKeeper, Java and the build tools', () => {
    const root = fakeRoot([]);
    const result = runScript('demo', { ZK_LOOKOUT_SYSTEM_ROOT: root, PATH: `${sudoDir(false)}:/usr/bin:/bin` }, 'nobody');
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends zookeeper default-jre-headless python3 make g++',
    );
  });

  it('as root: names each package it installs, then runs apt-get update and install with exactly the missing ones', () => {
    const root = fakeRoot(['/usr/bin/python3', '/usr/bin/make', '/usr/bin/g++', '/usr/bin/chromium']);
    const missing = ['/usr/share/java/zookeeper.jar', '/usr/bin/java', '/usr/bin/promtool', '/usr/bin/prometheus-alertmanager'];
    const apt = recordingAptGet(root, missing);
    const result = runScript('test', { ZK_LOOKOUT_SYSTEM_ROOT: root, ZK_LOOKOUT_APT_GET: apt.path }, 'root');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'system-packages: installing zookeeper (the ZooKeeper servers of the local ensembles; /usr/share/java/zookeeper.jar is missing)',
      'system-packages: installing default-jre-headless (Java, to run ZooKeeper; /usr/bin/java is missing)',
      'system-packages: installing prometheus (promtool, to check the rules and scrape output in the tests; /usr/bin/promtool is missing)',
      'system-packages: installing prometheus-alertmanager (the Alertmanager the tests post alerts to; /usr/bin/prometheus-alertmanager is missing)',
    ]);
    expect(apt.calls()).toEqual([
      '0 DEBIAN_FRONTEND=noninteractive update -qq',
      '0 DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends zookeeper default-jre-headless prometheus prometheus-alertmanager',
    ]);
  });

  it('with passwordless sudo: installs through sudo', () => {
    const root = fakeRoot(DEMO_FILES.filter((f) => f !== '/usr/bin/java'));
    const apt = recordingAptGet(root, ['/usr/bin/java']);
    const result = runScript('demo', { ZK_LOOKOUT_SYSTEM_ROOT: root, ZK_LOOKOUT_APT_GET: apt.path, PATH: `${sudoDir(true)}:/usr/bin:/bin` }, 'nobody');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('system-packages: installing default-jre-headless');
    expect(apt.calls().map((c) => c.replace(/^\d+ /, ''))).toEqual([
      'DEBIAN_FRONTEND=noninteractive update -qq',
      'DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends default-jre-headless',
    ]);
  });

  it('fails when apt-get succeeded but the file is still not there', () => {
    const root = fakeRoot(DEMO_FILES.filter((f) => f !== '/usr/bin/g++'));
    const apt = recordingAptGet(root, []);
    const result = runScript('demo', { ZK_LOOKOUT_SYSTEM_ROOT: root, ZK_LOOKOUT_APT_GET: apt.path }, 'root');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('system-packages: g++ was installed but /usr/bin/g++ is still missing');
  });

  it('not Debian (no apt-get on PATH): names the packages and exits 1', () => {
    const bin = join(work, 'no-apt-bin');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['id', 'basename']) spawnSync('ln', ['-sf', `/usr/bin/${tool}`, join(bin, tool)]);
    const result = spawnSync('/bin/bash', [SCRIPT, 'demo'], { env: { PATH: bin, ZK_LOOKOUT_SYSTEM_ROOT: fakeRoot(DEMO_FILES.filter((f) => f !== '/usr/bin/java')) }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('this is not a Debian or Ubuntu machine (no apt-get)');
    expect(result.stderr.trim().split('\n').at(-1)).toBe('Install the equivalents with your package manager (Debian names: default-jre-headless).');
  });

  it('refuses an unknown purpose with usage', () => {
    const result = runScript('deploy', {}, 'root');
    expect(result).toMatchObject({ code: 64, stderr: 'usage: bash scripts/system-packages.sh demo|test\n' });
  });
});

describe('who calls it', () => {
  it('npm test and npm run demo call it first (pretest/predemo)', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.pretest).toBe('bash scripts/system-packages.sh test');
    expect(scripts.predemo).toBe('bash scripts/system-packages.sh demo');
  });

  it('.ci/run: the script, then exactly the README\'s test command, then the leftover-process check, nothing else', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm ci && npm test ');
    const commands = readFileSync('.ci/run', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(commands).toEqual([
      'set -euo pipefail',
      'cd "$(dirname "$0")/.."',
      'bash scripts/system-packages.sh test',
      'ZK_LOOKOUT_PROCESS_REGISTRY="$(mktemp -d)/processes.jsonl"',
      'export ZK_LOOKOUT_PROCESS_REGISTRY',
      'status=0',
      'npm ci && npm test || status=$?',
      'npx --no-install tsx scripts/process-registry.ts check "$ZK_LOOKOUT_PROCESS_REGISTRY" || status=1',
      'exit "$status"',
    ]);
  });
});
