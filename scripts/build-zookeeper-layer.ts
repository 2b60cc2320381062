/**
 * Builds (or reuses) the zookeeper Lambda layer outside a synth, the same build `cdk synth`
 * makes (infra/layer-build/zookeeper-layer-build.ts): to look at it, or to warm the cache.
 * `cdk synth` needs no separate step.
 *
 *   tsx scripts/build-zookeeper-layer.ts              # prints where the layer is
 *   tsx scripts/build-zookeeper-layer.ts --out DIR    # and copies it to DIR (replacing it)
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleZookeeperLayer, ensureZookeeperLayerBuild } from '../infra/layer-build/zookeeper-layer-build.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });

const build = values.out === undefined ? ensureZookeeperLayerBuild() : (rmSync(resolve(values.out), { recursive: true, force: true }), bundleZookeeperLayer(resolve(values.out)));
console.log(
  JSON.stringify(
    { layer: values.out === undefined ? build.layerDir : resolve(values.out), node: build.nodeBinary, nodeVersion: build.nodeVersion, zookeeper: build.zookeeperVersion, addonSha256: build.addonSha256, reused: build.reused, needs: build.symbolCheck.newestNeeded },
    null,
    2,
  ),
);
