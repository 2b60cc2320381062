/**
 * A cloud assembly synthesized by the real CDK CLI (`cdk synth` with full bundling) and
 * read the way a deployment reads it: the stack template from `manifest.json`, each
 * function's code by its `Code.S3Key` in the asset manifest, its environment from
 * `Environment.Variables` with CloudFormation references resolved to local stand-ins.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoPath } from '../../infra/repo-path.ts';

const run = promisify(execFile);

/** What Scheduler puts in place of `<aws.scheduler.scheduled-time>`. */
const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

type CfnValue = string | number | boolean | { [key: string]: CfnValue } | CfnValue[];
interface CfnResource {
  Type: string;
  Properties?: Record<string, CfnValue>;
}
interface AssetManifest {
  files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
}

export interface BundledFunction {
  logicalId: string;
  /** `POWERTOOLS_SERVICE_NAME`, which names the function's role in the stack. */
  serviceName: string;
  /** `index.handler`: module and export, as Lambda reads `Handler`. */
  handler: string;
  /** The folder that would be zipped and uploaded. */
  assetDir: string;
  timeoutSeconds: number;
  memoryMb: number;
  runtime: string;
  /** `Environment.Variables` as the template has them (values may be references). */
  variables: Record<string, CfnValue>;
}

export class CloudAssembly {
  readonly resources: Record<string, CfnResource>;
  private readonly assets: AssetManifest;

  private constructor(readonly dir: string) {
    const manifest = readJson<{ artifacts: Record<string, { type: string; properties?: { templateFile?: string; file?: string } }> }>(join(dir, 'manifest.json'));
    const artifacts = Object.values(manifest.artifacts);
    const stacks = artifacts.filter((a) => a.type === 'aws:cloudformation:stack');
    if (stacks.length !== 1) throw new Error(`${dir}: expected one stack in manifest.json, found ${stacks.length}`);
    this.resources = readJson<{ Resources: Record<string, CfnResource> }>(join(dir, stacks[0]!.properties!.templateFile!)).Resources;
    const assetManifest = artifacts.find((a) => a.type === 'cdk:asset-manifest');
    if (!assetManifest?.properties?.file) throw new Error(`${dir}: manifest.json names no asset manifest`);
    this.assets = readJson<AssetManifest>(join(dir, assetManifest.properties.file));
  }

  /**
   * `cdk synth -q -o outDir -c config=configPath` in a child process, with the repository's
   * cdk.json (bundling, cdk-nag). Fails with the CLI's stderr.
   */
  static async synthesize(configPath: string, outDir: string, timeoutMs: number): Promise<CloudAssembly> {
    try {
      await run(repoPath('node_modules/.bin/cdk'), ['synth', '-q', '-o', outDir, '-c', `config=${configPath}`], { cwd: repoPath('.'), timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const { stderr, message } = err as { stderr?: string; message: string };
      throw new Error(`cdk synth failed: ${message}\n${stderr ?? ''}`);
    }
    return new CloudAssembly(outDir);
  }

  ofType(type: string): [string, CfnResource][] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  /** The folder an asset-backed property (`Code`, `Content`) uploads, found by its S3 key. */
  assetDir(s3Key: string): string {
    for (const file of Object.values(this.assets.files)) {
      if (Object.values(file.destinations).some((d) => d.objectKey === s3Key)) return join(this.dir, file.source.path);
    }
    throw new Error(`no asset in the asset manifest has object key ${s3Key}`);
  }

  functions(): BundledFunction[] {
    return this.ofType('AWS::Lambda::Function').map(([logicalId, { Properties: p = {} }]) => {
      const variables = ((p.Environment as { Variables?: Record<string, CfnValue> } | undefined)?.Variables ?? {}) as Record<string, CfnValue>;
      return {
        logicalId,
        serviceName: String(variables.POWERTOOLS_SERVICE_NAME),
        handler: String(p.Handler),
        assetDir: this.assetDir(String((p.Code as { S3Key: string }).S3Key)),
        timeoutSeconds: Number(p.Timeout ?? 3),
        memoryMb: Number(p.MemorySize ?? 128),
        runtime: String(p.Runtime),
        variables,
      };
    });
  }

  function(serviceName: string): BundledFunction {
    const fn = this.functions().find((f) => f.serviceName === serviceName);
    if (!fn) throw new Error(`no function with POWERTOOLS_SERVICE_NAME ${serviceName} in the template`);
    return fn;
  }

  /** The first `Target.Input` of the schedules, as Scheduler would deliver it at `scheduledTime`. */
  scheduleInputs(scheduledTime: string): unknown[] {
    return this.ofType('AWS::Scheduler::Schedule').map(([, r]) => JSON.parse(String((r.Properties!.Target as { Input: string }).Input).split(SCHEDULED_TIME).join(scheduledTime)) as unknown);
  }

  /** SSM parameters the stack writes, by name. */
  ssmParameters(): Map<string, string> {
    return new Map(this.ofType('AWS::SSM::Parameter').map(([, r]) => [String(r.Properties!.Name), String(r.Properties!.Value)]));
  }

  /**
   * A function's environment with references resolved: `Ref` of an SSM parameter is its
   * name (as in CloudFormation), `AWS::Region` is `region`, other resources come from
   * `standIns` by logical id; anything else is an error naming it.
   */
  environment(fn: BundledFunction, standIns: Record<string, string>, region: string): Record<string, string> {
    const resolve = (value: CfnValue, where: string): string => {
      if (typeof value !== 'object') return String(value);
      if (Array.isArray(value)) throw new Error(`${where}: unexpected list`);
      if ('Ref' in value) {
        const id = String(value.Ref);
        if (id === 'AWS::Region') return region;
        if (id in standIns) return standIns[id]!;
        const resource = this.resources[id];
        if (resource?.Type === 'AWS::SSM::Parameter') return String(resource.Properties!.Name);
        throw new Error(`${where}: no local stand-in for Ref ${id} (${resource?.Type ?? 'unknown'})`);
      }
      if ('Fn::Join' in value) {
        const [separator, parts] = value['Fn::Join'] as [string, CfnValue[]];
        return parts.map((part) => resolve(part, where)).join(separator);
      }
      throw new Error(`${where}: cannot resolve ${JSON.stringify(value)}`);
    };
    return Object.fromEntries(Object.entries(fn.variables).map(([name, value]) => [name, resolve(value, `${fn.logicalId}.${name}`)]));
  }
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
