#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so `npx zk-lookout` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// The SDK warns about Node 20 for versions it has not yet published; the lockfile pins ours.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../cli/main.ts');
