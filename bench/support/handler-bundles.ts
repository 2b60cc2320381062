/**
 * The Lambda handlers bundled the way the stack bundles them
 * (infra/constructs/lookout-function.ts: esbuild, CommonJS, target node<LAMBDA_NODE_MAJOR>,
 * source maps, everything bundled except `zookeeper`, which the probe gets from its
 * layer), and how long a fresh Node process takes to initialise one (require it).
 */
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CHAT_RELAY_ENTRY } from '../../infra/constructs/chat-relay.ts';
import { EVALUATOR_ENTRY, SWEEP_ENTRY } from '../../infra/constructs/evaluator-function.ts';
import { PROBE_BUNDLE_URL, PROBE_ENTRY } from '../../infra/constructs/probe-function.ts';
import { LAMBDA_NODE_MAJOR } from '../../infra/lambda-platform.ts';
import { repoPath } from '../../infra/repo-path.ts';

export type HandlerName = 'empty' | 'probe' | 'evaluator' | 'sweep' | 'chat-relay';

export interface HandlerBundle {
  name: HandlerName;
  file: string;
  bytes: number;
}

/** What a Lambda environment would carry; handlers read some of it at module scope. */
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
  STAGE: 'bench',
  RESULTS_TABLE: 'results',
  ALERTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
  THRESHOLDS_PARAMETER: '/zk-lookout/bench/thresholds',
  SILENCES_PARAMETER: '/zk-lookout/bench/silences',
  ENSEMBLES: '[]',
  CHAT_CHANNELS: '[]',
  POWERTOOLS_SERVICE_NAME: 'bench',
  POWERTOOLS_METRICS_NAMESPACE: 'ZkLookout',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // On Lambda the layer is found through /opt/nodejs/node_modules; here the repository's copy.
  NODE_PATH: repoPath('node_modules'),
  PATH: process.env.PATH ?? '',
};

export const BUNDLE_TARGET = `node${LAMBDA_NODE_MAJOR}`;

/** Bundles the empty baseline handler and the four handlers into `dir`. */
export async function bundleHandlers(dir: string): Promise<HandlerBundle[]> {
  writeFileSync(join(dir, 'empty-handler.ts'), 'export const handler = async () => ({});\n');
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');
  const entries: { name: HandlerName; entry: string; external: string[]; define?: Record<string, string>; banner?: string }[] = [
    { name: 'empty', entry: join(dir, 'empty-handler.ts'), external: [] },
    { name: 'probe', entry: repoPath(PROBE_ENTRY), external: ['zookeeper'], define: PROBE_BUNDLE_URL.define, banner: PROBE_BUNDLE_URL.banner },
    { name: 'evaluator', entry: repoPath(EVALUATOR_ENTRY), external: [] },
    { name: 'sweep', entry: repoPath(SWEEP_ENTRY), external: [] },
    { name: 'chat-relay', entry: repoPath(CHAT_RELAY_ENTRY), external: [] },
  ];
  const bundles: HandlerBundle[] = [];
  for (const e of entries) {
    const file = join(dir, `${e.name}.js`);
    await build({ entryPoints: [e.entry], outfile: file, bundle: true, platform: 'node', format: 'cjs', target: BUNDLE_TARGET, sourcemap: true, external: e.external, define: e.define, banner: e.banner ? { js: e.banner } : undefined, logLevel: 'error' });
    bundles.push({ name: e.name, file, bytes: statSync(file).size });
  }
  return bundles;
}

/** Milliseconds a fresh `node` process spends requiring the bundle, as measured inside it. */
export function initTimeMs(bundle: string): number {
  const script = `const t0 = performance.now(); const m = require(${JSON.stringify(bundle)}); if (typeof m.handler !== 'function') throw new Error('no handler'); process.stdout.write(String(performance.now() - t0));`;
  return Number(execFileSync(process.execPath, ['-e', script], { env: LAMBDA_ENV, encoding: 'utf8', timeout: 30_000 }));
}
