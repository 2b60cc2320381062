import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../functions/contract/did-you-mean.ts';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` in strict mode, its errors as a UsageError naming the command. */
export function parseCommandOptions<T extends Options, P extends boolean = false>(command: string, argv: string[], options: T, allowPositionals?: P) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: (allowPositionals ?? false) as P, options });
  } catch (err) {
    const message = (err as Error).message;
    // `Unknown option '--server'`: name the option that was probably meant.
    const unknown = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
    const hint = unknown ? didYouMean(unknown, Object.keys(options).map((o) => `--${o}`), '') : '';
    throw new UsageError(`${command}: ${message.split('. To specify')[0]}${hint}`);
  }
}

/** Prints the command's help when `--help` was given; the command then exits 0. */
export function printedHelp(values: { help?: boolean | undefined }, help: string): boolean {
  if (values.help) console.log(help);
  return values.help === true;
}
