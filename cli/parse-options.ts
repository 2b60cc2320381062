import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` in strict mode, its errors as a UsageError naming the command. */
export function parseCommandOptions<T extends Options, P extends boolean = false>(command: string, argv: string[], options: T, allowPositionals?: P) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: (allowPositionals ?? false) as P, options });
  } catch (err) {
    throw new UsageError(`${command}: ${(err as Error).message}`);
  }
}
