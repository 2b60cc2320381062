/**
 * A silences list in a local file (local mode's `silencesFile`). The version is a hash of
 * the content; a write re-reads and compares it, then replaces the file atomically
 * (temporary file in the same folder, then rename), so `zk-lookout run` never reads half
 * a list.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SilencesConflictError, type SilencesDocumentStore, type SilencesRead } from '../../app/silences-document.ts';

export class SilencesFile implements SilencesDocumentStore {
  readonly description: string;
  readonly pretty = true;

  constructor(private readonly path: string) {
    this.description = `file ${path}`;
  }

  async read(): Promise<SilencesRead> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    return { text, version: createHash('sha256').update(text).digest('hex') };
  }

  async write(text: string, expectedVersion: string | undefined): Promise<void> {
    const current = await this.read();
    if (current.version !== expectedVersion) throw new SilencesConflictError(`${this.description} changed while it was being edited`);
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, text);
      await rename(temp, this.path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}
