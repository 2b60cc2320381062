import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` in strict mode, its errors as a UsageError naming the command. */
export function parseCommandOptions<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: true, options });
  } catch (err) {
    throw new UsageError(`${command}: ${(err as Error).message}`);
  }
}
