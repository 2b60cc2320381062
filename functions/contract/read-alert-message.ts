/**
 * Reading an `AlertMessage` wherever one arrives or was kept: the SNS payload the relays
 * receive and the messages waiting in a state item's outbox. A message of a version this
 * code does not know is refused before its fields are looked at, with both versions named.
 *
 * The changes in a message are its transitions as published; they carry no version of
 * their own (a `Transition` never leaves the evaluator's process), so the message's
 * version covers them.
 */
import { z } from 'zod';
import { ALERT_MESSAGE_VERSION, Severities, type AlertMessage } from './alert-message.ts';
import { parseValue, parseWith } from './parse-with.ts';
import { AlertLevels, AlertNames, ChangeKinds, type DrivingSignal } from './transition.ts';

const SignalSchema: z.ZodType<DrivingSignal> = z.object({
  signal: z.string(),
  server: z.string().optional(),
  value: z.number(),
  nu: z.number(),
  tau: z.number(),
  w: z.number(),
  p: z.number().optional(),
  risk: z.number(),
  mode: z.string(),
  unit: z.string().optional(),
  subject: z.string().optional(),
  forecast: z.object({ tier: z.enum(['long', 'short']), current: z.number(), limit: z.number(), perHour: z.number() }).optional(),
});

const AlertMessageSchema: z.ZodType<AlertMessage> = z.object({
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
  return readAlertMessage(parseWith(z.unknown(), text, where, { error: AlertMessageFormatError }), where);
}

/** An already parsed message (an outbox entry); `where` names the item and entry in the error. */
export function readAlertMessage(value: unknown, where: string): AlertMessage {
  const version = typeof value === 'object' && value !== null ? (value as { version?: unknown }).version : undefined;
  if (version !== ALERT_MESSAGE_VERSION) {
    throw new AlertMessageFormatError(
      `${where}: AlertMessage version ${JSON.stringify(version)} is not one this code reads (${ALERT_MESSAGE_VERSION})${typeof version === 'number' && version > ALERT_MESSAGE_VERSION ? '; a newer zk-lookout wrote it, so deploy that version' : ''}`,
    );
  }
  return parseValue(AlertMessageSchema, value, where, { error: AlertMessageFormatError });
}
