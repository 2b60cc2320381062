/**
 * The thresholds document (`/zk-lookout/<stage>/thresholds`, or a local file): when a
 * warning fires and clears, and each signal's warning curve. Every field is optional; what
 * is left out comes from `DEFAULT_THRESHOLDS`, and `ensembles.<name>` overrides any of it
 * for one ensemble.
 */
import { z } from 'zod';
import { SIGNAL_CATALOG, SignalModes, SignalNames, type SignalName, type SignalThreshold } from './signal-catalog.ts';
import { ReceivedEnsembleName } from './ensemble-name.ts';
import { checkValue, formatPath, type ParseProblem, type ParseResult } from './parse-with.ts';
import { parseJsonDocument } from './settings-document.ts';

/** `P1D`, `PT4H`, `PT30M`, `PT0S` (no reminders). Months and years are ambiguous lengths, so not accepted. */
const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const SignalThresholdOverride = z
  .strictObject({
    nu: z.number(),
    tau: z.number().positive('tau must be > 0: it is the curve\'s softness and divides (x - nu)'),
    mode: z.enum(SignalModes),
    sigmaFloor: z.number().positive(),
  })
  .partial();

const SignalsOverride = z.strictObject(
  Object.fromEntries(SignalNames.map((name) => [name, SignalThresholdOverride.optional()])) as Record<
    SignalName,
    z.ZodOptional<typeof SignalThresholdOverride>
  >,
);

const urlTemplate = z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL; {ensemble} in it is replaced by the ensemble name');

const settingsShape = {
  /** Noisy-OR probability at or above which a warning is raised. */
  warnAt: z.number().gt(0).max(1),
  /** Probability below which a firing warning clears (hysteresis; ≤ warnAt). */
  clearAt: z.number().min(0).max(1),
  /** How long a cause's risk must stay at or above warnAt before its warning fires (alarms fire at once). */
  forSeconds: z.number().min(0).max(86_400),
  /** Old form of forSeconds, in rounds: read as (forRounds − 1) round intervals at the ensemble's cadence, with a notice. */
  forRounds: z.number().int().min(1).max(1000),
  /** A fired warning stays up at least this long, so a cause hovering at clearAt does not flap. */
  minFiringMinutes: z.number().min(0).max(1440),
  /** Reminder interval while an alert keeps firing, ISO 8601 (`PT4H`); `PT0S` sends none. */
  repeatEvery: z
    .string()
    .refine((s) => ISO_DURATION.test(s) && s !== 'P' && !s.endsWith('T'), 'expected an ISO 8601 duration in days/hours/minutes/seconds, e.g. "PT4H"'),
  baseline: z
    .strictObject({
      /** Time constant of the exponentially weighted mean and deviation, in minutes. */
      timeConstantMinutes: z.number().gt(0).max(100_000),
      /** Time learned before P is used; until then P counts as ½ in `p*w` (no warning before the habit is known). */
      warmupMinutes: z.number().min(0).max(100_000),
      /** Old form of timeConstantMinutes: the newest round's weight; converted at the ensemble's cadence, with a notice. */
      alpha: z.number().gt(0).max(1),
      /** Old form of warmupMinutes, in rounds; converted at the ensemble's cadence, with a notice. */
      warmupRounds: z.number().int().min(1).max(100_000),
    })
    .partial(),
  forecast: z
    .strictObject({
      /** Long tier: least-squares window (node-mixin uses 6 h for a 24 h horizon). */
      longWindowMinutes: z.number().min(10).max(1440),
      /** Long tier: fraction of the limit the fitted value must have reached. */
      gateFraction: z.number().min(0).max(1),
      /** Short tier: least-squares window. */
      shortWindowMinutes: z.number().min(3).max(240),
      /** Short tier: reports only when the limit is at most this far away. */
      shortHorizonMinutes: z.number().min(1).max(1440),
      /** Short tier: smallest R² of its line (a step is not a trend). */
      minFit: z.number().min(0).max(1),
      /** After a server restart its fd and client series wait this long for clients to reconnect. */
      settleMinutes: z.number().min(0).max(240),
    })
    .partial(),
  signals: SignalsOverride,
  links: z.strictObject({ dashboard: urlTemplate, runbook: urlTemplate }).partial(),
};

export const EnsembleThresholdsOverride = z.strictObject(settingsShape).partial();
export type EnsembleThresholdsOverride = z.infer<typeof EnsembleThresholdsOverride>;

export const ThresholdsDocument = z
  .strictObject({
    ...settingsShape,
    /** Free text for whoever edits the document (JSON has no comments). */
    description: z.string(),
    ensembles: z.record(ReceivedEnsembleName, EnsembleThresholdsOverride),
  })
  .partial();
export type ThresholdsDocument = z.infer<typeof ThresholdsDocument>;

export const DEFAULT_FORECAST = {
  longWindowMinutes: 360,
  gateFraction: 0.6,
  shortWindowMinutes: 15,
  shortHorizonMinutes: 60,
  minFit: 0.9,
  settleMinutes: 10,
};

export const DEFAULT_THRESHOLDS = {
  warnAt: 0.5,
  clearAt: 0.3,
  forSeconds: 120,
  minFiringMinutes: 10,
  repeatEvery: 'PT4H',
  baseline: { timeConstantMinutes: 60, warmupMinutes: 60 },
  forecast: { ...DEFAULT_FORECAST },
  signals: Object.fromEntries(SignalNames.map((name) => [name, { ...SIGNAL_CATALOG[name].defaults }])) as Record<SignalName, SignalThreshold>,
  ensembles: {},
} satisfies ThresholdsDocument;

/** The settings in force for one ensemble: defaults, then the document, then its `ensembles` entry. */
export interface ResolvedThresholds {
  ensembleName: string;
  warnAt: number;
  clearAt: number;
  /** Persistence: seconds, or (an old document) rounds; `persistenceRounds` turns either into rounds at a cadence. */
  forSeconds: number;
  /** Rounds of persistence: as written (old documents) or forSeconds at 1-minute rounds. */
  forRounds: number;
  persistence: { seconds: number } | { rounds: number };
  minFiringMs: number;
  repeatEvery: string;
  /** `repeatEvery` in milliseconds; 0 means no reminders. */
  repeatEveryMs: number;
  /** Time constant and warm-up as durations, or (old documents) as alpha/rounds to convert at the cadence. */
  baseline: { timeConstantMinutes?: number; warmupMinutes?: number; alpha?: number; warmupRounds?: number };
  forecast: typeof DEFAULT_FORECAST;
  /** What was read in an old form and converted (say it to whoever wrote the document). */
  notices: string[];
  signals: Record<SignalName, SignalThreshold>;
  /** URL templates with `{ensemble}` filled in. */
  links: { dashboard?: string; runbook?: string };
}

export function parseThresholds(text: string): ParseResult<ThresholdsDocument> {
  const json = parseJsonDocument(text, 'thresholds document');
  if (!json.ok) return json;
  const parsed = checkValue(ThresholdsDocument, withoutSchemaKey(json.value), { unknownKey: describeUnknownKey });
  if (!parsed.ok) return parsed;
  const errors = consistencyErrors(parsed.value);
  return errors.length > 0 ? { ok: false, errors } : parsed;
}

/**
 * An ensemble's own parameter (`/zk-lookout/<stage>/ensembles/<name>/thresholds`) laid over
 * the stage document's `ensembles.<name>`; checked as a whole so a bad combination is caught.
 */
export function withEnsembleOverride(base: ThresholdsDocument, ensembleName: string, text: string): ParseResult<ThresholdsDocument> {
  const json = parseJsonDocument(text, `thresholds override for ${ensembleName}`);
  if (!json.ok) return json;
  const parsed = checkValue(EnsembleThresholdsOverride, json.value, { unknownKey: describeUnknownKey });
  if (!parsed.ok) return parsed;
  const document: ThresholdsDocument = {
    ...base,
    ensembles: { ...base.ensembles, [ensembleName]: mergeSettings(base.ensembles?.[ensembleName] ?? {}, parsed.value) },
  };
  const errors = consistencyErrors(document);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: document };
}

export function resolveThresholds(doc: ThresholdsDocument, ensembleName: string): ResolvedThresholds {
  const { ensembles, description: _description, ...stage } = doc;
  const merged = mergeSettings(mergeSettings(DEFAULT_THRESHOLDS, stage), ensembles?.[ensembleName] ?? {});
  const signals = Object.fromEntries(
    SignalNames.map((name) => [name, { ...SIGNAL_CATALOG[name].defaults, ...merged.signals?.[name] }]),
  ) as Record<SignalName, SignalThreshold>;
  const fill = (template: string | undefined) => template?.replaceAll('{ensemble}', encodeURIComponent(ensembleName));
  const links: ResolvedThresholds['links'] = {};
  const dashboard = fill(merged.links?.dashboard);
  const runbook = fill(merged.links?.runbook);
  if (dashboard) links.dashboard = dashboard;
  if (runbook) links.runbook = runbook;
  const repeatEvery = merged.repeatEvery ?? DEFAULT_THRESHOLDS.repeatEvery;
  const notices: string[] = [];
  const given = { ...stage, ...ensembles?.[ensembleName] };
  const legacyRounds = given.forSeconds === undefined ? given.forRounds : undefined;
  if (legacyRounds !== undefined) {
    notices.push(`forRounds ${legacyRounds} is a round count: read as ${legacyRounds - 1} round intervals at this ensemble's cadence (${(legacyRounds - 1) * 60} s at 1-minute rounds); write "forSeconds" instead`);
  }
  const forSeconds = given.forSeconds ?? (legacyRounds !== undefined ? (legacyRounds - 1) * 60 : DEFAULT_THRESHOLDS.forSeconds);
  const givenBaseline = { ...stage.baseline, ...ensembles?.[ensembleName]?.baseline };
  const baseline: ResolvedThresholds['baseline'] = {};
  if (givenBaseline.timeConstantMinutes !== undefined || givenBaseline.alpha === undefined) {
    baseline.timeConstantMinutes = givenBaseline.timeConstantMinutes ?? DEFAULT_THRESHOLDS.baseline.timeConstantMinutes;
  } else {
    baseline.alpha = givenBaseline.alpha;
    notices.push(`baseline.alpha ${givenBaseline.alpha} is a per-round weight: read as a time constant of ${formatMinutes(timeConstantS(givenBaseline.alpha, 60_000) / 60)} at 1-minute rounds (converted at this ensemble's cadence); write "baseline.timeConstantMinutes" instead`);
  }
  if (givenBaseline.warmupMinutes !== undefined || givenBaseline.warmupRounds === undefined) {
    baseline.warmupMinutes = givenBaseline.warmupMinutes ?? DEFAULT_THRESHOLDS.baseline.warmupMinutes;
  } else {
    baseline.warmupRounds = givenBaseline.warmupRounds;
    notices.push(`baseline.warmupRounds ${givenBaseline.warmupRounds} is a round count: read as that many round intervals (${givenBaseline.warmupRounds} min at 1-minute rounds); write "baseline.warmupMinutes" instead`);
  }
  return {
    ensembleName,
    warnAt: merged.warnAt ?? DEFAULT_THRESHOLDS.warnAt,
    clearAt: merged.clearAt ?? DEFAULT_THRESHOLDS.clearAt,
    forSeconds,
    forRounds: legacyRounds ?? 1 + Math.round(forSeconds / 60),
    persistence: legacyRounds !== undefined ? { rounds: legacyRounds } : { seconds: forSeconds },
    minFiringMs: (merged.minFiringMinutes ?? DEFAULT_THRESHOLDS.minFiringMinutes) * 60_000,
    repeatEvery,
    repeatEveryMs: durationMs(repeatEvery),
    baseline,
    forecast: { ...DEFAULT_FORECAST, ...merged.forecast },
    signals,
    links,
    notices,
  };
}

/** Notices for a whole document: the stage settings and each ensemble's, each said once. */
export function thresholdNotices(doc: ThresholdsDocument): string[] {
  const notices = new Set(resolveThresholds(doc, '').notices);
  for (const name of Object.keys(doc.ensembles ?? {})) for (const n of resolveThresholds(doc, name).notices) notices.add(`ensembles.${name}: ${n}`);
  return [...notices];
}

/** Rounds of persistence at a cadence: forSeconds covers (rounds − 1) intervals, since the first raise starts the count. */
export function persistenceRounds(t: Pick<ResolvedThresholds, 'persistence'>, intervalMs: number): number {
  if ('rounds' in t.persistence) return t.persistence.rounds;
  return 1 + Math.max(0, Math.round((t.persistence.seconds * 1000) / Math.max(1, intervalMs)));
}

/** The baseline's time constant and warm-up in seconds at a cadence (old alpha/round settings converted). */
export function baselineAt(t: Pick<ResolvedThresholds, 'baseline'>, intervalMs: number): { timeConstantS: number; warmupS: number } {
  const b = t.baseline;
  const timeConstant = b.timeConstantMinutes !== undefined ? b.timeConstantMinutes * 60 : timeConstantS(b.alpha ?? 0.05, intervalMs);
  const warmup = b.warmupMinutes !== undefined ? b.warmupMinutes * 60 : ((b.warmupRounds ?? 30) * intervalMs) / 1000;
  return { timeConstantS: timeConstant, warmupS: warmup };
}

/** The time constant T with 1 − e^(−interval/T) = alpha. */
function timeConstantS(alpha: number, intervalMs: number): number {
  return alpha >= 1 ? intervalMs / 1000 : -(intervalMs / 1000) / Math.log(1 - alpha);
}

function formatMinutes(m: number): string {
  return `${Number(m.toPrecision(3))} min`;
}

/** Milliseconds of an ISO 8601 duration the schema accepted (`PT4H` → 14 400 000). */
export function durationMs(iso: string): number {
  const m = ISO_DURATION.exec(iso);
  if (!m) return 0;
  const [, d, h, min, s] = m.map((part) => Number(part ?? 0));
  return (((d ?? 0) * 24 + (h ?? 0)) * 60 + (min ?? 0)) * 60_000 + (s ?? 0) * 1000;
}

/** Later wins; `signals`, `baseline` and `links` merge field by field. */
function mergeSettings(a: EnsembleThresholdsOverride, b: EnsembleThresholdsOverride): EnsembleThresholdsOverride {
  const signals: Partial<Record<SignalName, Partial<SignalThreshold>>> = { ...a.signals };
  for (const [name, value] of Object.entries(b.signals ?? {}) as [SignalName, Partial<SignalThreshold>][]) {
    signals[name] = { ...signals[name], ...value };
  }
  return { ...a, ...b, baseline: { ...a.baseline, ...b.baseline }, forecast: { ...a.forecast, ...b.forecast }, links: { ...a.links, ...b.links }, signals };
}

/** Rules across fields, checked for the stage settings and for every ensemble's resolved settings. */
function consistencyErrors(doc: ThresholdsDocument): ParseProblem[] {
  const errors: ParseProblem[] = [];
  const check = (resolved: ResolvedThresholds, path: PropertyKey[], override: EnsembleThresholdsOverride) => {
    if (resolved.clearAt > resolved.warnAt) {
      const field = override.clearAt !== undefined || override.warnAt === undefined ? 'clearAt' : 'warnAt';
      errors.push({
        path: formatPath([...path, field]),
        message: `clearAt (${resolved.clearAt}) must not be above warnAt (${resolved.warnAt}): a warning would clear while still above its own threshold`,
      });
    }
  };
  const { ensembles: _ensembles, description: _description, ...stage } = doc;
  check(resolveThresholds({ ...stage }, ''), [], stage);
  for (const [name, override] of Object.entries(doc.ensembles ?? {})) {
    if (override.clearAt === undefined && override.warnAt === undefined) continue;
    check(resolveThresholds(doc, name), ['ensembles', name], override);
  }
  return errors;
}

/** `"$schema"` points an editor at docs/thresholds.schema.json; it is not a setting. */
function withoutSchemaKey(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value) || !('$schema' in value)) return value;
  const { $schema: _schema, ...rest } = value as Record<string, unknown>;
  return rest;
}

function describeUnknownKey(path: readonly PropertyKey[], key: string): string {
  if (path.at(-1) === 'signals') return `unknown signal "${key}"; known signals: ${SignalNames.join(', ')}`;
  return `unknown setting "${key}"`;
}
