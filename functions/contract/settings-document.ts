/**
 * What the thresholds and silences parsers add to `parse-with.ts`: the size cap, bare
 * NaN/Infinity named by path, and falling back to the last good document.
 */
import { fail, formatErrors, formatPath, readJson, type ParseProblem, type ParseResult } from './parse-with.ts';

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
  const json = readJson(text);
  if (json.ok) return json;
  const nonFinite = nonFinitePaths(text);
  if (nonFinite.length > 0) {
    return { ok: false, errors: nonFinite.map(([path, token]) => ({ path, message: `${token} is not a JSON number; write a finite number` })) };
  }
  return fail('$', `invalid JSON at ${json.at}`);
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

export interface KeptDocument<T> {
  /** The document just read, else the last good one; undefined when there never was a good one. */
  value?: T;
  /** Set when the document just read was invalid: `<name>: <path>: <reason>; …`. */
  problem?: string;
  errors?: ParseProblem[];
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
