/**
 * The local store's folder cannot be used: the operator's configuration (`storeDir`,
 * `--store`) is at fault, and the command line reports it as such (exit code 78). Kept
 * free of imports so the command line can catch it without loading the embedded store.
 */
export class StoreFolderError extends Error {
  override name = 'StoreFolderError';
}
