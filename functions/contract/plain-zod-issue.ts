/**
 * Zod's issues in plain words: `must be at most 1` instead of `Too big: expected number to
 * be <=1`, `is required (a number)` instead of `Invalid input: expected number, received
 * undefined`. Messages a schema wrote itself (refinements, custom errors) are kept as they
 * are; only zod's own wording is rephrased.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

const ZOD_WORDING = /^(Too small|Too big|Invalid (input|option|string|number|value|key|element|union|format|URL|[A-Za-z ]+ string)|Unrecognized key)/;

export function plainIssue(issue: Issue): string {
  if (!ZOD_WORDING.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      const received = /received (\w+)/.exec(issue.message)?.[1];
      const expected = article(issue.expected);
      return received === 'undefined' ? `is required (${expected})` : `must be ${expected}${received ? `, not ${article(received)}` : ''}`;
    }
    case 'too_small':
      return `must ${bound(issue.origin, 'at least', 'more than', issue.minimum, issue.inclusive, issue.exact)}`;
    case 'too_big':
      return `must ${bound(issue.origin, 'at most', 'less than', issue.maximum, issue.inclusive, issue.exact)}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue && issue.pattern ? `must match ${String(issue.pattern)}` : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'matches none of the allowed forms';
    default:
      return issue.message;
  }
}

function article(type: string): string {
  if (type === 'array' || type === 'object' || type === 'integer') return `an ${type}`;
  if (type === 'null' || type === 'undefined') return type;
  return `a ${type}`;
}

function bound(origin: string, inclusiveWord: string, exclusiveWord: string, limit: number | bigint, inclusive = true, exact = false): string {
  const n = String(limit);
  const quantity = inclusive ? `${inclusiveWord} ${n}` : `${exclusiveWord} ${n}`;
  switch (origin) {
    case 'string':
      return exact ? `be exactly ${n} characters long` : `be ${quantity} characters long`;
    case 'array':
    case 'set':
      return exact ? `have exactly ${n} items` : `have ${quantity} item${n === '1' && inclusive ? '' : 's'}`;
    case 'date':
      return `be ${inclusive ? (inclusiveWord === 'at least' ? 'on or after' : 'on or before') : inclusiveWord === 'at least' ? 'after' : 'before'} ${n}`;
    default:
      return exact ? `be exactly ${n}` : `be ${quantity}`;
  }
}

/**
 * The keys an object schema accepts at `path` inside `schema`, for did-you-mean; empty
 * when the path does not lead to an object schema. Reads zod's definitions (`_zod.def`).
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const key of [...path, undefined]) {
    node = unwrap(node);
    const def = defOf(node);
    if (!def) return [];
    if (key === undefined) return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
    if (def.type === 'object' && def.shape) node = def.shape[String(key)];
    else if (def.type === 'record') node = def.valueType;
    else if (def.type === 'array') node = def.element;
    else return [];
  }
  return [];
}

interface Def {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  in?: unknown;
  valueType?: unknown;
  element?: unknown;
}

function defOf(node: unknown): Def | undefined {
  return (node as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

function unwrap(node: unknown): unknown {
  for (let def = defOf(node); def; def = defOf(node)) {
    if (def.innerType !== undefined) node = def.innerType;
    else if (def.type === 'pipe' && def.in !== undefined) node = def.in;
    else break;
  }
  return node;
}
