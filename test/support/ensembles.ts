import { afterAll } from 'vitest';
import { LocalEnsemble, type LocalEnsembleOptions } from '../../scripts/local-ensemble.ts';
import type { ServerAddress } from '../../functions/contract/server-address.ts';

/** A shared ensemble as handed from the global setup to the tests (plain data). */
export interface SharedEnsemble {
  dir: string;
  servers: (ServerAddress & { id: number; adminPort: number })[];
}

const started: LocalEnsemble[] = [];

// Registered when a test file imports this module, i.e. while vitest collects the file:
// a hook registered later, from inside a running beforeAll, would be ignored.
afterAll(async () => {
  await Promise.all(started.splice(0).map((ensemble) => ensemble.close()));
});

/**
 * An ensemble of the calling test file's own, for tests that stop, kill or pause servers.
 * It is closed after the file's tests, whatever happened in them.
 */
export async function privateEnsemble(options: LocalEnsembleOptions = {}): Promise<LocalEnsemble> {
  const ensemble = await LocalEnsemble.start(options);
  started.push(ensemble);
  return ensemble;
}

export function addressesOf(ensemble: LocalEnsemble, withAdmin = true): ServerAddress[] {
  return ensemble.servers.map((s) => ({ host: '127.0.0.1', port: s.clientPort, ...(withAdmin ? { adminPort: s.adminPort } : {}) }));
}
