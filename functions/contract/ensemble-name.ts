/**
 * An ensemble's name keys its rounds, state item and alerts, and the stack builds
 * schedule, alarm and metric names from it: a config (deployment or local) may give only
 * a short lower-case name. What reads a name someone else wrote (the probe's schedule
 * payload, a thresholds document's `ensembles`) accepts a wider form, so a document that
 * once was good never turns unreadable at run time, and every name a config allows is in it.
 */
import { z } from 'zod';

/** Longest ensemble name a config may give. */
export const MAX_ENSEMBLE_NAME = 48;

const CHARACTERS = new RegExp(`^[a-z0-9-]{1,${MAX_ENSEMBLE_NAME}}$`);

/** No leading `-`: the name is also a command-line value (`silence add --ensemble NAME`). */
export const EnsembleName = z.string().regex(new RegExp(`^[a-z0-9][a-z0-9-]{0,${MAX_ENSEMBLE_NAME - 1}}$`), {
  error: (iss) =>
    typeof iss.input === 'string' && CHARACTERS.test(iss.input)
      ? `must start with a letter or digit, got ${JSON.stringify(iss.input)}`
      : `≤ ${MAX_ENSEMBLE_NAME} chars of [a-z0-9-], got ${JSON.stringify(iss.input)}`,
});

export const ReceivedEnsembleName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 characters of letters, digits, ".", "_" or "-"');
