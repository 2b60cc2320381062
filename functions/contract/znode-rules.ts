/**
 * Znode rules: what applications keep in ZooKeeper and how it should look. They live in
 * the ensemble config (local file and deployment config alike) and are checked read-only
 * in the canary session every round. Validation happens when the config is loaded, so a
 * bad regex or a relative path is an error at start, not a surprise at 3 a.m.
 */
import { z } from 'zod';
import { checkValue } from './parse-with.ts';

const SEGMENT = /^[^/\u0000]+$/;

/** An absolute znode path: `/`, or `/a/b` with no empty, `.` or `..` segments. */
export const ZnodePath = z.string().superRefine((path, ctx) => {
  const problem = pathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return `must be absolute (start with "/"), got "${path}"`;
  if (path === '/') return undefined;
  if (path.endsWith('/')) return `must not end with "/", got "${path}"`;
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || !SEGMENT.test(s))) {
    return `has an empty, "." or ".." segment or a NUL character: "${path}"`;
  }
  return undefined;
}

const Regex = z.string().superRefine((source, ctx) => {
  try {
    new RegExp(source, 'u');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${(err as Error).message}` });
  }
});

/** `$.a.b[0].c`: the subset of JSONPath that names one value. */
const JsonPath = z.string().regex(/^\$(\.[A-Za-z_$][\w$-]*|\[\d+\])*$/, 'must be a simple JSONPath such as $.brokers[0].host');

const common = { path: ZnodePath, name: z.string().min(1).max(80).optional() };

export const ZnodeRuleSchema = z.discriminatedUnion('check', [
  z.object({ check: z.literal('exists'), ...common }).strict(),
  z.object({ check: z.literal('absent'), ...common }).strict(),
  z
    .object({ check: z.literal('children'), ...common, min: z.int().nonnegative().optional(), max: z.int().nonnegative().optional() })
    .strict()
    .refine((r) => r.min !== undefined || r.max !== undefined, { message: 'needs min, max or both' })
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { message: 'min must not exceed max' }),
  /** Exactly one child: a leader election or lock (Curator latch, HBase master). */
  z.object({ check: z.literal('election'), ...common }).strict(),
  /** Notice every change of the data; content is recorded only with `content: true`. */
  z.object({ check: z.literal('config'), ...common, content: z.boolean().default(false) }).strict(),
  z
    .object({ check: z.literal('data'), ...common, regex: Regex.optional(), jsonPath: JsonPath.optional(), equals: z.json().optional() })
    .strict()
    .refine((r) => r.regex !== undefined || r.jsonPath !== undefined, { message: 'needs regex or jsonPath' })
    .refine((r) => r.equals === undefined || r.jsonPath !== undefined, { message: 'equals needs jsonPath' }),
  /** The znode is ephemeral: some session owns it (a registration). */
  z.object({ check: z.literal('ephemeral-owner'), ...common }).strict(),
  /** Flags world-writable znodes (`world:anyone` with write, create or delete) under this root. */
  z.object({ check: z.literal('open-acl'), ...common, maxDepth: z.int().min(0).max(10).default(3) }).strict(),
]);

export type ZnodeRule = z.output<typeof ZnodeRuleSchema>;
export type ZnodeRuleInput = z.input<typeof ZnodeRuleSchema>;
export type ZnodeCheck = ZnodeRule['check'];

/** At most this many rules per ensemble: each costs reads on every round. */
export const MAX_ZNODE_RULES = 50;

export const ZnodeRulesSchema = z.array(ZnodeRuleSchema).max(MAX_ZNODE_RULES);

/** A stable id for a rule's results across rounds and alerts. */
export function ruleId(rule: Pick<ZnodeRule, 'check' | 'path' | 'name'>): string {
  return rule.name ?? `${rule.check}:${rule.path}`;
}

/** Errors as `<where>[i].field: reason`, `<where>` being where the rules sit in their document. */
export function parseZnodeRules(value: unknown, where = 'znodeRules'): { ok: true; rules: ZnodeRule[] } | { ok: false; errors: string[] } {
  const parsed = checkValue(ZnodeRulesSchema, value);
  if (parsed.ok) return { ok: true, rules: parsed.value };
  return { ok: false, errors: parsed.errors.map((e) => `${e.path === '$' ? where : e.path.startsWith('[') ? where + e.path : `${where}.${e.path}`}: ${e.message}`) };
}
