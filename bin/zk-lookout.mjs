#!/usr/bin/env node
// Runs the command built ahead of time (scripts/build-cli.mjs, on `npm ci`): plain Node,
// no TypeScript transpiled at start, so a check every minute costs little.
import { existsSync, readFileSync, statSync } from 'node:fs';

// The SDK warns about Node 20 for versions it has not yet published; the lockfile pins ours.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const built = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(built)) {
  console.error('zk-lookout: the command is not built (dist/cli/main.js is missing); run: npm run build:cli');
  process.exit(70);
}
warnIfStale();
await import(built.href);

/** A source changed since the build (a pull, an edit): say so, once, on stderr; it still runs. */
function warnIfStale() {
  try {
    const { builtAt, sources } = JSON.parse(readFileSync(new URL('../dist/cli/sources.json', import.meta.url), 'utf8'));
    const root = new URL('../', import.meta.url);
    const changed = sources.find((source) => {
      try {
        return statSync(new URL(source, root)).mtimeMs > builtAt;
      } catch {
        return true; // removed since the build
      }
    });
    if (changed) console.error(`zk-lookout: ${changed} changed after the command was built; run: npm run build:cli`);
  } catch {
    // No list (a build older than this check): nothing to compare.
  }
}
