#!/usr/bin/env node
// Runs the command built ahead of time (scripts/build-cli.mjs, on `npm ci`): plain Node,
// no TypeScript transpiled at start, so a check every minute costs little.
import { existsSync } from 'node:fs';

// The SDK warns about Node 20 for versions it has not yet published; the lockfile pins ours.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const built = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(built)) {
  console.error('zk-lookout: the command is not built (dist/cli/main.js is missing); run: npm run build:cli');
  process.exit(70);
}
await import(built.href);
