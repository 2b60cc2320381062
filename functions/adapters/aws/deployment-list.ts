/**
 * A list the stack writes at deploy time (the sweep's ensembles, the chat relay's
 * channels) and a function reads at run time. Lambda allows 4 KB of environment in all,
 * and such a list grows with the config, so the stack stores it in SSM instead: as
 * numbered Standard parameters under one path (`<path>/0`, `<path>/1`, …), each a JSON
 * array of at most 4 KB. This reads them through Powertools Parameters (cached, so a warm
 * function asks SSM at most once per `maxAgeS`) and joins them in number order.
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';

export const DEFAULT_DEPLOYMENT_LIST_MAX_AGE_S = 300;

export class DeploymentListError extends Error {
  override name = 'DeploymentListError';
}

export interface DeploymentListOptions {
  /** @default a new SSMClient for the Lambda's region */
  client?: SSMClient;
  /** Seconds a read is cached. @default 300 */
  maxAgeS?: number;
}

export class DeploymentList {
  private readonly provider: SSMProvider;
  private readonly maxAgeS: number;

  constructor(options: DeploymentListOptions = {}) {
    this.provider = new SSMProvider({ awsSdkV3Client: options.client ?? new SSMClient({}) });
    this.maxAgeS = options.maxAgeS ?? DEFAULT_DEPLOYMENT_LIST_MAX_AGE_S;
  }

  /** Every entry under `path`, chunk 0 first; throws `DeploymentListError` naming the parameter at fault. */
  async read(path: string): Promise<unknown[]> {
    const chunks = (await this.provider.getMultiple(path, { maxAge: this.maxAgeS })) ?? {};
    const names = Object.keys(chunks);
    if (names.length === 0) throw new DeploymentListError(`${path}: no parameters under this path (the stack writes ${path}/0 …; is the function in the stack of this stage?)`);
    const entries: unknown[] = [];
    for (const name of names.sort((a, b) => chunkNumber(path, a) - chunkNumber(path, b))) {
      let value: unknown;
      try {
        value = JSON.parse(String(chunks[name]));
      } catch (err) {
        throw new DeploymentListError(`${path}/${name}: not JSON (${(err as Error).message})`);
      }
      if (!Array.isArray(value)) throw new DeploymentListError(`${path}/${name}: expected a JSON array, got ${typeof value}`);
      entries.push(...(value as unknown[]));
    }
    return entries;
  }
}

function chunkNumber(path: string, name: string): number {
  if (!/^\d+$/.test(name)) throw new DeploymentListError(`${path}/${name}: not a numbered chunk of the list (expected ${path}/0, ${path}/1, …)`);
  return Number(name);
}
