/**
 * Synthesizes the zk-lookout stack for assertion tests: the context of cdk.json (feature
 * flags as `cdk synth` sees them) and no bundling, so a stack takes seconds. The handler
 * entries must exist (NodejsFunction checks); without bundling the layer is not built.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseDeploymentConfig } from '../../infra/config/deployment-config.ts';
import { repoPath } from '../../infra/repo-path.ts';
import { ZkLookoutStack } from '../../infra/zk-lookout-stack.ts';

export const EXAMPLE_CONFIG_PATH = repoPath('zk-lookout.config.example.json');

export function exampleConfig(): Record<string, unknown> {
  return JSON.parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
}

export function synthStack(config: unknown): { stack: ZkLookoutStack; template: Template } {
  const cdkJson = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new ZkLookoutStack(app, 'ZkLookoutTest', { config: parseDeploymentConfig(config, 'test config') });
  return { stack, template: Template.fromStack(stack) };
}
