#!/usr/bin/env node
/**
 * Builds the zk-lookout command ahead of time: cli/main.ts and what it imports, bundled by
 * esbuild into dist/cli/ (one chunk per command, loaded only when that command runs), so
 * `zk-lookout check` starts in plain Node instead of transpiling TypeScript at every start.
 * Runs on `npm ci` (prepare) and at the start of every test run (test/support/build-cli.ts).
 *
 * Packages with native addons stay outside the bundle: Node loads their .node files from
 * node_modules, where `npm ci` built them.
 */
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * zod re-exports its 60-odd locales as `z.locales`, so a bundle parses all of them at every
 * start (three quarters of the check command's code). The messages are English, which zod
 * imports on its own; `z.locales` keeps only `en`.
 */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${join('node_modules', 'zod')}`) ? { path: join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

export const CLI_OUT_DIR = join(root, 'dist', 'cli');

/**
 * The zookeeper client process is a program of its own, which zookeeper-host.ts starts from
 * the folder of the file it was bundled into: a chunk, so the child goes to chunks/ (the
 * build checks that it landed next to the host).
 */
const HOST = 'functions/adapters/zookeeper/zookeeper-host.ts';
const HOST_CHILD = 'functions/adapters/zookeeper/zookeeper-host-child.ts';

export async function buildCli() {
  // Chunk names carry hashes: clear the old ones so dist/ holds one build.
  rmSync(CLI_OUT_DIR, { recursive: true, force: true });
  const startedAt = Date.now();
  const result = await build({
    absWorkingDir: root,
    metafile: true,
    entryPoints: { main: 'cli/main.ts', 'chunks/zookeeper-host-child': HOST_CHILD },
    outdir: CLI_OUT_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // zookeeper and dynalite's leveldb binding (classic-level) are native addons.
    external: ['zookeeper', 'dynalite', 'classic-level'],
    define: { ZK_LOOKOUT_VERSION: JSON.stringify(version) },
    // Bundled CommonJS (the AWS SDK's dependencies) calls require(); give ESM one.
    banner: { js: "import { createRequire as __zkCreateRequire } from 'node:module'; const require = __zkCreateRequire(import.meta.url);" },
    plugins: [englishOnlyZod],
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
    legalComments: 'none',
  });
  const outputWith = (input) => Object.keys(result.metafile.outputs).find((out) => out.endsWith('.js') && input in result.metafile.outputs[out].inputs);
  const [host, child] = [outputWith(HOST), outputWith(HOST_CHILD)];
  if (!host || !child || dirname(host) !== dirname(child)) throw new Error(`build-cli: ${HOST} is in ${host}, ${HOST_CHILD} in ${child}: the host starts the child from its own folder`);
  // The project's own sources in this build, for bin/zk-lookout.mjs to notice a stale build.
  const sources = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules') && !p.includes(':'));
  writeFileSync(join(CLI_OUT_DIR, 'sources.json'), JSON.stringify({ builtAt: startedAt, sources }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
