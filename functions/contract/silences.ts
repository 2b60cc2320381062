/**
 * Silences (`/zk-lookout/<stage>/silences`, or a local file): a JSON list of rules that
 * keep matching alerts from notifying until a time. A silenced transition is still
 * recorded, with `silencedBy` saying which rule held it back.
 */
import { z } from 'zod';
import { SignalNames } from './signal-catalog.ts';
import { AlertNames, type AlertName, type DrivingSignal } from './transition.ts';
import { checkValue, type ParseResult } from './parse-with.ts';
import { parseJsonDocument } from './settings-document.ts';

export const Silence = z.strictObject({
  /** Shown as `silencedBy`; defaults to the reason. */
  id: z.string().min(1).max(100).optional(),
  /** Ensemble name, or `*` for every ensemble. */
  ensemble: z.string().min(1).max(64),
  /** `host:port` as the probe reports it. */
  server: z.string().min(1).max(300).optional(),
  /** Matches an early warning only when every signal driving it is this one. */
  signal: z.enum(SignalNames).optional(),
  alertName: z.enum(AlertNames).optional(),
  until: z.iso.datetime({ offset: true, message: 'expected an ISO 8601 time with a zone, e.g. "2030-01-31T18:00:00Z"' }),
  reason: z.string().min(1, 'say why (it is shown with every suppressed alert)').max(500),
  createdBy: z.string().max(200).optional(),
});
export type Silence = z.infer<typeof Silence>;

/** A few hundred rules at most: matching is linear and the document must fit an SSM parameter anyway. */
export const SilencesDocument = z.array(Silence).max(500);

/** What a silence is matched against: one alert of one ensemble and, for warnings, what drove it. */
export interface SilenceTarget {
  ensembleName: string;
  alertName: AlertName;
  server?: string;
  signals?: readonly Pick<DrivingSignal, 'signal' | 'server'>[];
}

export function parseSilences(text: string): ParseResult<Silence[]> {
  const json = parseJsonDocument(text, 'silences document');
  if (!json.ok) return json;
  return checkValue(SilencesDocument, json.value, { unknownKey: (_path, key) => `unknown silence field "${key}"` });
}

/** The first silence in force at `now` that covers the target, if any. */
export function matchSilence(silences: readonly Silence[], target: SilenceTarget, now: Date): Silence | undefined {
  return silences.find((s) => Date.parse(s.until) > now.getTime() && covers(s, target));
}

function covers(s: Silence, t: SilenceTarget): boolean {
  if (s.ensemble !== '*' && s.ensemble !== t.ensembleName) return false;
  if (s.alertName !== undefined && s.alertName !== t.alertName) return false;
  const signals = t.signals ?? [];
  if (s.signal !== undefined && (signals.length === 0 || signals.some((d) => d.signal !== s.signal))) return false;
  if (s.server !== undefined) {
    if (t.server !== undefined) return t.server === s.server;
    return signals.length > 0 && signals.every((d) => d.server === s.server);
  }
  return true;
}

/** How a silence is named in `silencedBy`. */
export function describeSilence(s: Silence): string {
  return s.id ?? `${s.reason} (until ${s.until}${s.createdBy ? `, by ${s.createdBy}` : ''})`;
}
