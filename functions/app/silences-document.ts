/**
 * Where a silences list lives for editing (the SSM parameter on AWS, a local file) and the
 * read-modify-write over it with optimistic concurrency: the document is read with a
 * version, and written only if that version is still current; when someone else wrote in
 * between, the edit is applied again to their list.
 */
import { formatErrors } from '../contract/parse-with.ts';
import { parseSilences, type Silence } from '../contract/silences.ts';

export interface SilencesRead {
  /** Absent when the document does not exist yet (an empty list). */
  text?: string;
  /** Opaque; changes whenever the document changes. Absent for a missing document. */
  version?: string;
}

export interface SilencesDocumentStore {
  /** What the store is, for messages: `SSM parameter /zk-lookout/prod/silences`, `file ./silences.json`. */
  readonly description: string;
  /** Indented JSON for a file people read; compact where bytes count (an SSM parameter holds 4 KB). */
  readonly pretty: boolean;
  read(): Promise<SilencesRead>;
  /** Writes when the document is still at `expectedVersion` (absent: must not exist); else throws SilencesConflictError. */
  write(text: string, expectedVersion: string | undefined): Promise<void>;
}

/** The document changed between read and write. */
export class SilencesConflictError extends Error {
  override name = 'SilencesConflictError';
}

/** The stored document is not a valid silences list; editing it blindly would lose whatever was meant. */
export class InvalidSilencesDocumentError extends Error {
  override name = 'InvalidSilencesDocumentError';
}

export const MAX_EDIT_ATTEMPTS = 5;

export async function readSilences(store: SilencesDocumentStore): Promise<{ silences: Silence[]; version?: string }> {
  const read = await store.read();
  if (read.text === undefined || read.text.trim() === '') return read.version === undefined ? { silences: [] } : { silences: [], version: read.version };
  const parsed = parseSilences(read.text);
  if (!parsed.ok) throw new InvalidSilencesDocumentError(`${store.description} is not a valid silences list (fix it first): ${formatErrors(parsed.errors)}`);
  return read.version === undefined ? { silences: parsed.value } : { silences: parsed.value, version: read.version };
}

/** Applies `edit` to the current list and writes the result; retried on a concurrent change. */
export async function updateSilences(store: SilencesDocumentStore, edit: (silences: Silence[]) => Silence[]): Promise<Silence[]> {
  for (let attempt = 1; ; attempt++) {
    const { silences, version } = await readSilences(store);
    const next = edit(silences);
    try {
      await store.write(store.pretty ? `${JSON.stringify(next, null, 2)}\n` : JSON.stringify(next), version);
      return next;
    } catch (err) {
      if (!(err instanceof SilencesConflictError) || attempt >= MAX_EDIT_ATTEMPTS) throw err;
    }
  }
}
