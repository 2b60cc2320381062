/**
 * The one Lambda platform every function and the layer share. The `zookeeper` addon is
 * native code compiled against one Node ABI on one CPU: the layer build script reads
 * `LAMBDA_NODE_MAJOR` from here so the runtime and the addon cannot drift apart.
 *
 * x86_64 because the addon is compiled on this (x86_64) machine with its own g++; an
 * arm64 layer would need a cross toolchain that is not installed here.
 */
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';

export const LAMBDA_NODE_MAJOR = 22;
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;
export const LAMBDA_ARCHITECTURE = Architecture.X86_64;

if (LAMBDA_RUNTIME.name !== `nodejs${LAMBDA_NODE_MAJOR}.x`) {
  throw new Error(`lambda-platform: runtime ${LAMBDA_RUNTIME.name} does not match LAMBDA_NODE_MAJOR ${LAMBDA_NODE_MAJOR}`);
}
