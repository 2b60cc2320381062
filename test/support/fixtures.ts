import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', 'fixtures');

/** A recorded server reply, e.g. `fixture('zk-3.8.0', 'leader.mntr.txt')`. */
export function fixture(version: string, name: string): string {
  return readFileSync(join(ROOT, version, name), 'utf8');
}
