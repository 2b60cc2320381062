/**
 * The `zookeeper` native addon as a Lambda layer, built by `cdk synth` itself: an asset of
 * the committed layer manifest and lockfile (`infra/zookeeper-layer/`) whose bundling runs
 * locally (no Docker) through `infra/layer-build/zookeeper-layer-build.ts`, which compiles
 * the addon for the runtime's Node, or reuses the cached build for the same inputs, and
 * stops synth when the addon's glibc/libstdc++ symbol versions are newer than Amazon Linux
 * 2023's. Stacks synthesized without bundling (assertion tests) skip all of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import { Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { checkSymbolVersions } from '../layer-build/amazon-linux-2023-symbols.ts';
import { elfVersionNeeds } from '../layer-build/elf-version-needs.ts';
import { bundleZookeeperLayer, LAYER_ADDON, LAYER_MANIFEST_DIR, layerBuildKey } from '../layer-build/zookeeper-layer-build.ts';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from '../lambda-platform.ts';

export class ZookeeperLayerMissingError extends Error {
  override name = 'ZookeeperLayerMissingError';
}

export interface ZookeeperLayerProps {
  /**
   * A layer folder built elsewhere, uploaded as it is (after the same symbol check).
   * @default built at synth from `infra/zookeeper-layer/package-lock.json`
   */
  readonly directory?: string;
}

/**
 * CDK calls `tryBundle` instead of Docker. Its fields are part of the asset hash (CDK
 * hashes the bundling options with the source folder), so a change to the build recipe
 * is a new layer version even when the lockfile stays the same.
 */
export class ZookeeperLayerBundling implements ILocalBundling {
  readonly buildKey = layerBuildKey();

  tryBundle(outputDir: string): boolean {
    bundleZookeeperLayer(outputDir);
    return true;
  }
}

export class ZookeeperLayer extends Construct {
  readonly layer: LayerVersion;

  constructor(scope: Construct, id: string, props: ZookeeperLayerProps = {}) {
    super(scope, id);
    this.layer = new LayerVersion(this, 'Layer', {
      code: props.directory === undefined ? bundledLayerCode() : prebuiltLayerCode(props.directory),
      compatibleRuntimes: [LAMBDA_RUNTIME],
      compatibleArchitectures: [LAMBDA_ARCHITECTURE],
      description: `zookeeper 7.3.0 native client for ${LAMBDA_RUNTIME.name} ${LAMBDA_ARCHITECTURE.name}`,
      license: 'MIT',
    });
  }
}

function bundledLayerCode(): Code {
  return Code.fromAsset(LAYER_MANIFEST_DIR, {
    bundling: {
      // Required by the type; never pulled: local bundling always bundles or throws.
      image: DockerImage.fromRegistry('zk-lookout-local-bundling-only'),
      local: new ZookeeperLayerBundling(),
    },
  });
}

function prebuiltLayerCode(directory: string): Code {
  const addon = join(directory, LAYER_ADDON);
  if (!existsSync(addon)) {
    throw new ZookeeperLayerMissingError(`${addon} is missing: the layer folder given as "directory" holds no built zookeeper addon (leave "directory" out to build the layer at synth)`);
  }
  checkSymbolVersions(elfVersionNeeds(readFileSync(addon), addon), addon);
  return Code.fromAsset(directory);
}
