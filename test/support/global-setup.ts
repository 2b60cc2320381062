/**
 * Starts the shared ensembles once per test run: a healthy 3-server ensemble and a
 * standalone server, on ports found free (never 2181). Tests that break servers start
 * their own ensembles (test/support/ensembles.ts) and leave these alone.
 */
import type { TestProject } from 'vitest/node';
import { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import type { SharedEnsemble } from './ensembles.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    trio: SharedEnsemble;
    standalone: SharedEnsemble;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = await Promise.allSettled([LocalEnsemble.start({ size: 3 }), LocalEnsemble.start({ size: 1 })]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    // Vitest runs no teardown for a setup that threw: stop the one that did start here.
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    throw failed.reason;
  }
  const [trio, standalone] = started.map((s) => (s as PromiseFulfilledResult<LocalEnsemble>).value) as [LocalEnsemble, LocalEnsemble];
  const describe = (e: LocalEnsemble): SharedEnsemble => ({
    dir: e.dir,
    servers: e.servers.map((s) => ({ id: s.id, host: '127.0.0.1', port: s.clientPort, adminPort: s.adminPort })),
  });
  project.provide('trio', describe(trio));
  project.provide('standalone', describe(standalone));
  return async () => {
    await Promise.all([trio.close(), standalone.close()]);
  };
}
