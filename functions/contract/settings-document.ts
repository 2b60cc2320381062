/**
 * What the thresholds and silences parsers share: the result shape, the size cap, JSON
 * parsing that names where a document is wrong, and zod issues as `path: reason`.
 */
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import { describeJsonError } from './json-error-position.ts';
import { knownKeysAt, plainIssue } from './plain-zod-issue.ts';

export interface SettingsError {
  /** JSON path of the offending value (`signals.fd-use.tau`, `[2].until`), `$` for the whole document. */
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: SettingsError[] };

/**
 * Bigger than any settings document should be. SSM parameters hold at most 4 KB (standard)
 * or 8 KB (advanced), so this cap only bites for local files, where it stops a wrong file
 * (a log, a dump) from being parsed and echoed.
 */
export const MAX_DOCUMENT_BYTES = 64 * 1024;

/** Bare NaN/Infinity (outside strings) stand in as this marker so their path can be named. */
const NON_FINITE_MARK = '\u0000non-finite:';
const TOKENS = /"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)/g;

export function parseJsonDocument(text: string, what: string): ParseResult<unknown> {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_DOCUMENT_BYTES) {
    return fail('$', `${what} is ${bytes} bytes; the limit is ${MAX_DOCUMENT_BYTES} bytes (an SSM parameter holds at most 8 KB)`);
  }
  if (text.trim() === '') return fail('$', `${what} is empty; expected a JSON document`);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const nonFinite = nonFinitePaths(text);
    if (nonFinite.length > 0) {
      return { ok: false, errors: nonFinite.map(([path, token]) => ({ path, message: `${token} is not a JSON number; write a finite number` })) };
    }
    return fail('$', `invalid JSON at ${describeJsonError(text, err)}`);
  }
}

/** Where bare NaN/Infinity tokens sit, when replacing them is all the document needs to parse. */
function nonFinitePaths(text: string): [string, string][] {
  let found = false;
  const marked = text.replace(TOKENS, (match, token: string | undefined) => {
    if (!token) return match;
    found = true;
    return JSON.stringify(NON_FINITE_MARK + token);
  });
  if (!found) return [];
  let value: unknown;
  try {
    value = JSON.parse(marked);
  } catch {
    return [];
  }
  const out: [string, string][] = [];
  const walk = (v: unknown, path: PropertyKey[]) => {
    if (typeof v === 'string' && v.startsWith(NON_FINITE_MARK)) out.push([formatPath(path), v.slice(NON_FINITE_MARK.length)]);
    else if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
  };
  walk(value, []);
  return out;
}

export function fail(path: string, message: string): { ok: false; errors: SettingsError[] } {
  return { ok: false, errors: [{ path, message }] };
}

/** `signals.fd-use.tau`, `[2].until`; `$` for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '$';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/**
 * Zod issues as path/reason pairs in plain words; an unknown key is named in the path
 * itself and, given the schema, with the known key it was probably meant to be.
 */
export function zodErrors(error: z.ZodError, describeUnknown: (path: readonly PropertyKey[], key: string) => string, schema?: z.ZodType): SettingsError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = schema ? knownKeysAt(schema, issue.path) : [];
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: describeUnknown(issue.path, key) + didYouMean(key, known) }));
    }
    if (issue.code === 'invalid_key') {
      const key = issue.path.at(-1);
      return [{ path: formatPath(issue.path), message: `invalid name "${String(key)}": ${issue.issues[0]?.message ?? issue.message}` }];
    }
    return [{ path: formatPath(issue.path), message: plainIssue(issue) }];
  });
}

export function formatErrors(errors: readonly SettingsError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}

export interface KeptDocument<T> {
  /** The document just read, else the last good one; undefined when there never was a good one. */
  value?: T;
  /** Set when the document just read was invalid: `<name>: <path>: <reason>; …`. */
  problem?: string;
  errors?: SettingsError[];
}

/**
 * Parses a settings document and remembers its text when good; when bad, falls back to
 * the last good text for the same name. An alerter must keep running on a bad edit.
 */
export function parseKeepingLastGood<T>(name: string, text: string, parse: (text: string) => ParseResult<T>, lastGood: Map<string, string>): KeptDocument<T> {
  const result = parse(text);
  if (result.ok) {
    lastGood.set(name, text);
    return { value: result.value };
  }
  const previous = lastGood.get(name);
  const kept = previous === undefined ? undefined : parse(previous);
  const using = kept?.ok ? 'the last good version' : 'the defaults';
  const out: KeptDocument<T> = { problem: `${name}: ${formatErrors(result.errors)} (using ${using})`, errors: result.errors };
  if (kept?.ok) out.value = kept.value;
  return out;
}
