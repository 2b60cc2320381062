/**
 * `cdk synth` / `cdk deploy` entry point. The deployment config comes from
 * `--context config=PATH`, else `zk-lookout.config.json` in the repository root, else
 * (with a notice) `zk-lookout.config.example.json`, so a fresh checkout synthesizes; its
 * placeholder VPC ids make a deploy of it fail early. cdk-nag's AwsSolutions pack runs as
 * a policy-validation plugin: an unacknowledged finding fails synth.
 */
import { existsSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type DeploymentConfig, DeploymentConfigError, loadDeploymentConfig } from './config/deployment-config.ts';
import { repoPath } from './repo-path.ts';
import { ZkLookoutStack } from './zk-lookout-stack.ts';

const CONFIG_FILE = 'zk-lookout.config.json';
const EXAMPLE_CONFIG_FILE = 'zk-lookout.config.example.json';

function configPath(app: App): string {
  const fromContext = app.node.tryGetContext('config') as string | undefined;
  if (fromContext) return fromContext;
  if (existsSync(repoPath(CONFIG_FILE))) return repoPath(CONFIG_FILE);
  console.error(`zk-lookout: no ${CONFIG_FILE}; synthesizing ${EXAMPLE_CONFIG_FILE} (copy it to ${CONFIG_FILE} and edit it to deploy)`);
  return repoPath(EXAMPLE_CONFIG_FILE);
}

/** A config problem (in the file, or found while building the stack from it) is the operator's to fix: print it plainly, without a stack trace. */
function orConfigProblem<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (!(err instanceof DeploymentConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

const app = new App({ builtinCloudFormationValidation: false });
const config: DeploymentConfig = orConfigProblem(() => loadDeploymentConfig(configPath(app)));

orConfigProblem(
  () =>
    new ZkLookoutStack(app, `ZkLookout-${config.stage}`, {
      config,
      // Environment-agnostic: no lookups, so the template is the same on every machine.
      description: `zk-lookout (${config.stage}): ZooKeeper ensemble checker`,
    }),
);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
