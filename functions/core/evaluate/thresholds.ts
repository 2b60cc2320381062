/**
 * The thresholds document (`/zk-lookout/<stage>/thresholds`, or a local file): when a
 * warning fires and clears, and each signal's warning curve. Every field is optional; what
 * is left out comes from `DEFAULT_THRESHOLDS`, and `ensembles.<name>` overrides any of it
 * for one ensemble.
 */
import { z } from 'zod';
import { SIGNAL_CATALOG, SignalModes, SignalNames, type SignalName, type SignalThreshold } from './signal-catalog.ts';
import { formatPath, parseJsonDocument, zodErrors, type ParseResult, type SettingsError } from './settings-document.ts';

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
  /** Consecutive rounds at or above warnAt before a warning fires (alarms fire at once). */
  forRounds: z.number().int().min(1).max(1000),
  /** Reminder interval while an alert keeps firing, ISO 8601 (`PT4H`); `PT0S` sends none. */
  repeatEvery: z
    .string()
    .refine((s) => ISO_DURATION.test(s) && s !== 'P' && !s.endsWith('T'), 'expected an ISO 8601 duration in days/hours/minutes/seconds, e.g. "PT4H"'),
  baseline: z
    .strictObject({
      /** Weight of the newest round in the exponentially weighted mean and deviation. */
      alpha: z.number().gt(0).max(1),
      /** Rounds learned before P is used; until then `p*w` acts as `w`. */
      warmupRounds: z.number().int().min(1).max(100_000),
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
    ensembles: z.record(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'ensemble names are 1-64 of A-Z a-z 0-9 . _ -'), EnsembleThresholdsOverride),
  })
  .partial();
export type ThresholdsDocument = z.infer<typeof ThresholdsDocument>;

export const DEFAULT_THRESHOLDS = {
  warnAt: 0.5,
  clearAt: 0.3,
  forRounds: 3,
  repeatEvery: 'PT4H',
  baseline: { alpha: 0.05, warmupRounds: 30 },
  signals: Object.fromEntries(SignalNames.map((name) => [name, { ...SIGNAL_CATALOG[name].defaults }])) as Record<SignalName, SignalThreshold>,
  ensembles: {},
} satisfies ThresholdsDocument;

/** The settings in force for one ensemble: defaults, then the document, then its `ensembles` entry. */
export interface ResolvedThresholds {
  ensembleName: string;
  warnAt: number;
  clearAt: number;
  forRounds: number;
  repeatEvery: string;
  /** `repeatEvery` in milliseconds; 0 means no reminders. */
  repeatEveryMs: number;
  baseline: { alpha: number; warmupRounds: number };
  signals: Record<SignalName, SignalThreshold>;
  /** URL templates with `{ensemble}` filled in. */
  links: { dashboard?: string; runbook?: string };
}

export function parseThresholds(text: string): ParseResult<ThresholdsDocument> {
  const json = parseJsonDocument(text, 'thresholds document');
  if (!json.ok) return json;
  const parsed = ThresholdsDocument.safeParse(withoutSchemaKey(json.value));
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error, describeUnknownKey, ThresholdsDocument) };
  const errors = consistencyErrors(parsed.data);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: parsed.data };
}

/**
 * An ensemble's own parameter (`/zk-lookout/<stage>/ensembles/<name>/thresholds`) laid over
 * the stage document's `ensembles.<name>`; checked as a whole so a bad combination is caught.
 */
export function withEnsembleOverride(base: ThresholdsDocument, ensembleName: string, text: string): ParseResult<ThresholdsDocument> {
  const json = parseJsonDocument(text, `thresholds override for ${ensembleName}`);
  if (!json.ok) return json;
  const parsed = EnsembleThresholdsOverride.safeParse(json.value);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error, describeUnknownKey, EnsembleThresholdsOverride) };
  const document: ThresholdsDocument = {
    ...base,
    ensembles: { ...base.ensembles, [ensembleName]: mergeSettings(base.ensembles?.[ensembleName] ?? {}, parsed.data) },
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
  return {
    ensembleName,
    warnAt: merged.warnAt ?? DEFAULT_THRESHOLDS.warnAt,
    clearAt: merged.clearAt ?? DEFAULT_THRESHOLDS.clearAt,
    forRounds: merged.forRounds ?? DEFAULT_THRESHOLDS.forRounds,
    repeatEvery,
    repeatEveryMs: durationMs(repeatEvery),
    baseline: { ...DEFAULT_THRESHOLDS.baseline, ...merged.baseline },
    signals,
    links,
  };
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
  return { ...a, ...b, baseline: { ...a.baseline, ...b.baseline }, links: { ...a.links, ...b.links }, signals };
}

/** Rules across fields, checked for the stage settings and for every ensemble's resolved settings. */
function consistencyErrors(doc: ThresholdsDocument): SettingsError[] {
  const errors: SettingsError[] = [];
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
