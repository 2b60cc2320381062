/**
 * The probe Lambda's input: the ensemble spec the stack puts into each Scheduler
 * schedule, plus the scheduled time Scheduler fills in. The stack's target input is
 *
 *   ScheduleTargetInput.fromObject({ ensemble: {...}, scheduledTime: ContextAttribute.scheduledTime })
 *
 * i.e. the JSON `{"ensemble":{...},"scheduledTime":"<aws.scheduler.scheduled-time>"}`,
 * which Scheduler delivers as `"scheduledTime":"2022-03-22T18:59:43Z"`. Every attempt
 * of one scheduled invocation carries the same time, which makes round keys retry-safe.
 */
import { z } from 'zod';
import { ZnodeRulesSchema } from './znode-rules.ts';

const Port = z.number().int().min(1).max(65_535);

const EnsembleSpec = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected 1-64 characters of letters, digits, ".", "_" or "-"'),
    servers: z.array(z.strictObject({ host: z.string().min(1), port: Port, adminPort: Port.optional() })).min(1),
    /** TLS client port: four-letter words go over TLS to it; the canary keeps the client ports. */
    securePort: Port.optional(),
    /** Deadline per server and for the canary. */
    timeoutMs: z.number().int().min(10).max(60_000).optional(),
    canary: z
      .strictObject({
        root: z.string().regex(/^\/\S*$/, 'expected an absolute znode path').optional(),
        /** Secrets Manager secret holding `user:password` for digest auth. */
        digestSecretId: z.string().min(1).optional(),
        /** Read-only checks run in the canary session. */
        znodeRules: ZnodeRulesSchema.optional(),
      })
      .optional(),
    /** Rounds per invocation, evenly spread over the interval (sub-minute probing). @default 1 */
    roundsPerInvocation: z.number().int().min(1).max(12).optional(),
    /** The schedule's interval, over which those rounds are spread. @default 60 */
    intervalSeconds: z.number().int().min(60).max(86_400).optional(),
  });

export const ProbeEventSchema = z.strictObject({
  ensemble: EnsembleSpec,
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});
export type ProbeEvent = z.infer<typeof ProbeEventSchema>;

export class ProbeEventError extends Error {
  override name = 'ProbeEventError';
}

export function parseProbeEvent(event: unknown): ProbeEvent {
  const result = ProbeEventSchema.safeParse(event);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return `${path || '(event)'}: ${issue.message}${keys}`;
  });
  throw new ProbeEventError(`probe event is invalid: ${problems.join('; ')}`);
}
