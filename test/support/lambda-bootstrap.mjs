/**
 * A stand-in for the Lambda Node.js runtime, run as its own process by
 * `invoke-bundle.ts`: it loads `$LAMBDA_TASK_ROOT/<module>` named by `$_HANDLER`
 * (`index.handler`) with `require`, as the runtime loads a CommonJS handler, so modules
 * the bundle leaves out resolve only through NODE_PATH (the layer). It takes one
 * `{ event, deadlineMs }` message, calls the handler with a context like Lambda's and
 * answers with the result or the error (and the Node version and request id it used),
 * then exits (Lambda freezes the process instead).
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

function context(deadlineMs, awsRequestId) {
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME;
  return {
    functionName: name,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${name}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
}

async function invoke({ event, deadlineMs }, awsRequestId) {
  const handlerSetting = process.env._HANDLER;
  const dot = handlerSetting.lastIndexOf('.');
  const loaded = require(join(process.env.LAMBDA_TASK_ROOT, handlerSetting.slice(0, dot)));
  const handler = loaded[handlerSetting.slice(dot + 1)];
  if (typeof handler !== 'function') throw new Error(`${handlerSetting} is not a function`);
  return handler(event, context(deadlineMs, awsRequestId));
}

process.once('message', (message) => {
  const requestId = randomUUID();
  invoke(message, requestId).then(
    (result) => ({ ok: true, result: result ?? null }),
    (err) => ({ ok: false, error: { name: err?.name, message: String(err?.message ?? err), stack: err?.stack } }),
  ).then((answer) => process.send({ ...answer, nodeVersion: process.version, requestId }, () => process.exit(0)));
});
