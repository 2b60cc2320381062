/**
 * The `zookeeper` native addon as a Lambda layer, from the folder the layer build script
 * writes. The folder is not in git (it is compiled code), so synth stops with the command
 * that builds it rather than uploading an empty layer.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from '../lambda-platform.ts';
import { repoPath } from '../repo-path.ts';

export const ZOOKEEPER_LAYER_DIR = 'layers/zookeeper';
const ADDON = 'nodejs/node_modules/zookeeper/build/Release/zookeeper.node';

export class ZookeeperLayerMissingError extends Error {
  override name = 'ZookeeperLayerMissingError';
}

export interface ZookeeperLayerProps {
  /** @default `layers/zookeeper` in the repository */
  readonly directory?: string;
}

export class ZookeeperLayer extends Construct {
  readonly layer: LayerVersion;

  constructor(scope: Construct, id: string, props: ZookeeperLayerProps = {}) {
    super(scope, id);
    const directory = props.directory ?? repoPath(ZOOKEEPER_LAYER_DIR);
    if (!existsSync(join(directory, ADDON))) {
      throw new ZookeeperLayerMissingError(`${join(directory, ADDON)} is missing: build the layer first with "npm run build:layer" (tsx scripts/build-zookeeper-layer.ts)`);
    }
    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(directory),
      compatibleRuntimes: [LAMBDA_RUNTIME],
      compatibleArchitectures: [LAMBDA_ARCHITECTURE],
      description: `zookeeper 7.3.0 native client for ${LAMBDA_RUNTIME.name} ${LAMBDA_ARCHITECTURE.name}`,
      license: 'MIT',
    });
  }
}
