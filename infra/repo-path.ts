import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** An absolute path from one relative to the repository root, wherever synth runs from. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(relative, `file://${REPO_ROOT}`));
}
