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
import { ReceivedEnsembleName } from './ensemble-name.ts';
import { parseValue, zodWording } from './parse-with.ts';
import { ZnodeRulesSchema } from './znode-rules.ts';

const Port = z.number().int().min(1).max(65_535);

const EnsembleSpec = z
  .strictObject({
    name: ReceivedEnsembleName,
    servers: z.array(z.strictObject({ host: z.string().min(1), port: Port, adminPort: Port.optional() })).min(1),
    /** TLS client port: four-letter words go over TLS to it; the canary keeps the client ports. */
    securePort: Port.optional(),
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

/** The event, or `ProbeEventError` naming each bad field in zod's words (`ensemble.servers: Too small: …`). */
export function parseProbeEvent(event: unknown): ProbeEvent {
  return parseValue(ProbeEventSchema, event, 'probe event is invalid', { describe: zodWording, error: ProbeEventError });
}
