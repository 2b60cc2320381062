/**
 * Reading anything that crosses a boundary: JSON text (or a value already parsed) checked
 * against its schema, every problem named by its path, in plain words, an unknown key with
 * the one probably meant. A refusal reads `<where>: <path>: <reason>; <path>: <reason>`.
 */
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import { describeJsonError } from './json-error-position.ts';
import { knownKeysAt, plainIssue } from './plain-zod-issue.ts';

export interface ParseProblem {
  /** Path of the offending value (`signals.fd-use.tau`, `[2].until`), `$` for the whole document. */
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: ParseProblem[] };

export interface CheckOptions {
  /** How an unknown key is named. @default `unknown field "<key>"` */
  unknownKey?: (path: readonly PropertyKey[], key: string) => string;
  /** Other words than the plain ones, for a document whose wording its users already know (`zodWording`). */
  describe?: (issue: z.core.$ZodIssue) => ParseProblem[];
  /** Keep the offending input on each issue for `describe` (never for a secret). */
  reportInput?: boolean;
  /** The text is a credential: neither its text (V8's JSON errors quote it) nor an unknown key (a URL pasted as one) is repeated. */
  secret?: boolean;
}

export interface ParseOptions extends CheckOptions {
  /** The error thrown. @default ContractError */
  error?: new (message: string) => Error;
}

export class ContractError extends Error {
  override name = 'ContractError';
}

/** The value `schema` makes of JSON `text`; throws `<where>: <path>: <reason>; …`. */
export function parseWith<S extends z.ZodType>(schema: S, text: string, where: string, options: ParseOptions = {}): z.output<S> {
  return orThrow(checkText(schema, text, options), where, options);
}

/** The value `schema` makes of an already parsed `value`; throws like `parseWith`. */
export function parseValue<S extends z.ZodType>(schema: S, value: unknown, where: string, options: ParseOptions = {}): z.output<S> {
  return orThrow(checkValue(schema, value, options), where, options);
}

function checkText<S extends z.ZodType>(schema: S, text: string, options: CheckOptions = {}): ParseResult<z.output<S>> {
  const json = readJson(text);
  if (json.ok) return checkValue(schema, json.value, options);
  return fail('$', options.secret ? 'is not JSON (the text is a credential, so it is not quoted)' : `invalid JSON at ${json.at}`);
}

/** `parseValue`, returning the problems instead of throwing: for documents that list every problem their own way. */
export function checkValue<S extends z.ZodType>(schema: S, value: unknown, options: CheckOptions = {}): ParseResult<z.output<S>> {
  const parsed = schema.safeParse(value, { reportInput: options.reportInput ?? false });
  if (parsed.success) return { ok: true, value: parsed.data };
  const describe = options.describe ?? ((issue: z.core.$ZodIssue) => plainProblems(issue, schema, options.unknownKey ?? unknownField, options.secret ?? false));
  return { ok: false, errors: parsed.error.issues.flatMap(describe) };
}

/** JSON text as a value, or where it breaks: `line 4, column 3: Expected ',' or '}' after property value`. */
export function readJson(text: string): { ok: true; value: unknown } | { ok: false; at: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, at: describeJsonError(text, err) };
  }
}

export function fail(path: string, message: string): { ok: false; errors: ParseProblem[] } {
  return { ok: false, errors: [{ path, message }] };
}

/** `signals.fd-use.tau`, `[2].until`; `$` for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '$';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** `warnAt: must be at most 1; signals.x: unknown signal "x"`. */
export function formatErrors(errors: readonly ParseProblem[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}

/** Zod's own words (`Too small: expected number to be >=1`), for documents whose messages are already known in that form. */
export function zodWording(issue: z.core.$ZodIssue): ParseProblem[] {
  return [{ path: formatPath(issue.path), message: issue.message }];
}

/** An unknown key is named in the path itself and, given the schema, with the known key it was probably meant to be. */
function plainProblems(issue: z.core.$ZodIssue, schema: z.ZodType, unknownKey: (path: readonly PropertyKey[], key: string) => string, secret: boolean): ParseProblem[] {
  if (issue.code === 'unrecognized_keys' && secret) {
    return [{ path: formatPath(issue.path), message: `${issue.keys.length} unknown field(s), not named: the document holds a credential; known fields: ${knownKeysAt(schema, issue.path).join(', ')}` }];
  }
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, issue.path);
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: unknownKey(issue.path, key) + didYouMean(key, known) }));
  }
  if (issue.code === 'invalid_key') {
    const key = issue.path.at(-1);
    return [{ path: formatPath(issue.path), message: `invalid name "${String(key)}": ${issue.issues[0]?.message ?? issue.message}` }];
  }
  return [{ path: formatPath(issue.path), message: plainIssue(issue) }];
}

function unknownField(_path: readonly PropertyKey[], key: string): string {
  return `unknown field "${key}"`;
}

function orThrow<T>(result: ParseResult<T>, where: string, options: ParseOptions): T {
  if (result.ok) return result.value;
  throw new (options.error ?? ContractError)(`${where}: ${formatErrors(result.errors)}`);
}
