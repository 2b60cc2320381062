import { z } from 'zod';
import { ALERT_MESSAGE_VERSION, Severities } from './alert-message.ts';
import type { AlertMessage } from './alert-message.ts';
import { AlertLevels, AlertNames, ChangeKinds } from './transition.ts';

const SignalSchema = z.object({
  signal: z.string(),
  server: z.string().optional(),
  value: z.number(),
  nu: z.number(),
  tau: z.number(),
  w: z.number(),
  p: z.number().optional(),
  risk: z.number(),
  mode: z.string(),
});

const AlertMessageSchema = z.object({
  version: z.literal(ALERT_MESSAGE_VERSION),
  ensembleName: z.string().min(1),
  severity: z.enum(Severities),
  kind: z.enum(AlertNames),
  title: z.string(),
  roundId: z.string(),
  evaluatedAt: z.string(),
  changes: z.array(
    z.object({
      alertKey: z.string(),
      alertName: z.enum(AlertNames),
      level: z.enum(AlertLevels),
      change: z.enum(ChangeKinds),
      server: z.string().optional(),
      summary: z.string(),
      since: z.string(),
      probability: z.number().optional(),
      signals: z.array(SignalSchema),
    }),
  ),
  links: z.object({ dashboard: z.string().optional(), runbook: z.string().optional() }),
  silenceCommand: z.string(),
});

export class AlertMessageFormatError extends Error {
  override name = 'AlertMessageFormatError';
}

/** The `lambda` protocol payload of an alert publish, checked before anything is sent. */
export function parseAlertMessage(text: string, where: string): AlertMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AlertMessageFormatError(`${where}: the SNS message is not JSON`);
  }
  const parsed = AlertMessageSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AlertMessageFormatError(`${where}: not an AlertMessage v${ALERT_MESSAGE_VERSION}: ${issues.join('; ')}`);
  }
  return parsed.data;
}
