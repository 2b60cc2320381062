/**
 * What the command prints and exits with when a command throws: the operator's mistakes
 * (usage 64, configuration 78) as one line, only real bugs (70) with their stack.
 */
import { explainAwsError } from './aws-errors.ts';
import { ConfigError } from './config-error.ts';
import { StoreFolderError } from '../functions/adapters/local/store-folder-error.ts';
import { UsageError } from './usage-error.ts';

export interface ErrorReport {
  code: 64 | 70 | 78;
  message: string;
}

export async function reportError(err: unknown): Promise<ErrorReport> {
  if (err instanceof UsageError) return { code: 64, message: `zk-lookout: ${err.message}` };
  const config = err instanceof ConfigError || err instanceof StoreFolderError ? err : await explainAwsError(err);
  if (config) return { code: 78, message: `zk-lookout: ${config.message}` };
  return { code: 70, message: `zk-lookout: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` };
}
