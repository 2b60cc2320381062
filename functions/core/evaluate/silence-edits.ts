/**
 * Edits of a silences list, purely, for `zk-lookout silence add|remove`: every edit prunes
 * the silences that have expired, and the result is checked with the same parser the
 * evaluator uses, so a list this writes is always one the evaluator accepts.
 */
import { formatErrors } from '../../contract/parse-with.ts';
import { parseSilences, type Silence } from '../../contract/silences.ts';

export class SilenceEditError extends Error {
  override name = 'SilenceEditError';
}

/** Silences still in force at `now`. */
export function pruneExpired(silences: readonly Silence[], now: Date): Silence[] {
  return silences.filter((s) => Date.parse(s.until) > now.getTime());
}

/** The list with `silence` added (it must carry an id no other silence has) and the expired ones gone. */
export function addSilence(silences: readonly Silence[], silence: Silence, now: Date): Silence[] {
  const single = parseSilences(JSON.stringify([silence]));
  if (!single.ok) throw new SilenceEditError(`invalid silence: ${formatErrors(single.errors).replace(/\[0\]\./g, '')}`);
  if (Date.parse(silence.until) <= now.getTime()) throw new SilenceEditError(`until ${silence.until} is not in the future (now ${now.toISOString()})`);
  if (silence.id === undefined) throw new SilenceEditError('a new silence needs an id');
  if (silences.some((s) => s.id === silence.id)) throw new SilenceEditError(`a silence with id "${silence.id}" exists already`);
  return checked([...pruneExpired(silences, now), silence]);
}

/** The list without the silence `id` and without the expired ones; throws when no silence has that id. */
export function removeSilence(silences: readonly Silence[], id: string, now: Date): Silence[] {
  if (!silences.some((s) => s.id === id)) {
    const ids = silences.map((s) => s.id).filter((x): x is string => x !== undefined);
    throw new SilenceEditError(`no silence with id "${id}"${ids.length > 0 ? ` (ids: ${ids.join(', ')})` : ' (the list has no silences with ids)'}`);
  }
  return checked(pruneExpired(silences.filter((s) => s.id !== id), now));
}

function checked(silences: Silence[]): Silence[] {
  const result = parseSilences(JSON.stringify(silences));
  if (!result.ok) throw new SilenceEditError(`the edited list would be invalid: ${formatErrors(result.errors)}`);
  return result.value;
}
