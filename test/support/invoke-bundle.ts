/**
 * Invokes a bundled handler from a cloud assembly in a Node process of its own, as Lambda
 * would: task root = the asset folder, `_HANDLER` from the template, the layer's
 * `nodejs/node_modules` on NODE_PATH (Lambda mounts it at /opt/nodejs/node_modules), and
 * an environment built from scratch (the template's variables, Lambda's own, and what
 * the caller adds), never this process's, under the `node` binary the caller names (the
 * Lambda runtime's Node, not this process's). The process is killed at `timeoutMs`.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundledFunction } from './cloud-assembly.ts';

const BOOTSTRAP = fileURLToPath(new URL('./lambda-bootstrap.mjs', import.meta.url));

export interface BundleInvocation {
  fn: BundledFunction;
  event: unknown;
  /** The function's resolved environment plus test endpoints and credentials. */
  env: Record<string, string>;
  /** A layer folder (holding `nodejs/node_modules`); absent: no layer on NODE_PATH. */
  layerDir?: string;
  /** The `node` that runs the handler. @default this process's */
  nodeBinary?: string;
  /** Kill the process after this long. */
  timeoutMs: number;
}

export interface BundleOutcome {
  result?: unknown;
  error?: { name?: string; message: string; stack?: string };
  /** What the function logged (Powertools logs and EMF go to stdout). */
  stdout: string;
  stderr: string;
  durationMs: number;
  /** `process.version` of the Node that ran the handler. */
  nodeVersion: string;
  /** The `awsRequestId` its context carried. */
  requestId: string;
}

export function invokeBundle({ fn, event, env, layerDir, nodeBinary, timeoutMs }: BundleInvocation): Promise<BundleOutcome> {
  const name = `zk-lookout-${fn.logicalId}`;
  const child = fork(BOOTSTRAP, [], {
    cwd: fn.assetDir,
    execArgv: [],
    ...(nodeBinary ? { execPath: nodeBinary } : {}),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: ':UTC',
      LAMBDA_TASK_ROOT: fn.assetDir,
      _HANDLER: fn.handler,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      // Lambda sets it for on-demand (not provisioned) environments; Powertools reports cold starts only then.
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `2026/01/01/[$LATEST]${fn.logicalId}`,
      ...(layerDir ? { NODE_PATH: join(layerDir, 'nodejs', 'node_modules') } : {}),
      ...env,
    },
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const started = performance.now();
  const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');

  return new Promise<BundleOutcome>((resolve, reject) => {
    let answer: { ok: boolean; result?: unknown; error?: BundleOutcome['error']; nodeVersion: string; requestId: string } | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${fn.logicalId} did not answer within ${timeoutMs} ms; stderr:\n${text(stderr).slice(-4000)}`));
    }, timeoutMs);
    child.on('message', (message) => {
      answer = message as typeof answer;
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const durationMs = Math.round(performance.now() - started);
      if (!answer) return reject(new Error(`${fn.logicalId} exited (${signal ?? code}) without an answer; stderr:\n${text(stderr).slice(-4000)}`));
      const { nodeVersion, requestId } = answer;
      resolve({ ...(answer.ok ? { result: answer.result } : { error: answer.error }), stdout: text(stdout), stderr: text(stderr), durationMs, nodeVersion, requestId });
    });
    child.send({ event, deadlineMs: Date.now() + fn.timeoutSeconds * 1000 });
  });
}
