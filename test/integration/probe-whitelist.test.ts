import { beforeAll, describe, expect, inject, it } from 'vitest';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { addressesOf, privateEnsemble } from '../support/ensembles.ts';

let restricted: LocalEnsemble;

beforeAll(async () => {
  restricted = await privateEnsemble({ size: 1, whitelist: 'ruok,srvr,isro' });
});

describe('a server whose whitelist excludes mntr', () => {
  it('the AdminServer fallback gives the same metrics mntr would', async () => {
    const viaAdmin = await probeEnsemble(addressesOf(restricted));
    const viaWords = await probeEnsemble(inject('standalone').servers);
    const server = viaAdmin.servers[0];
    expect(server).toMatchObject({ mode: 'standalone', source: 'admin-server' });
    expect(server?.timings).toHaveProperty('admin:monitor');
    // Per-namespace metrics exist only once something wrote under that namespace.
    const wordKeys = Object.keys(viaWords.servers[0]?.metrics ?? {}).filter((k) => !k.endsWith('_per_namespace'));
    const adminKeys = Object.keys(server?.metrics ?? {});
    expect(wordKeys.filter((k) => !adminKeys.includes(k))).toEqual([]);
    expect(server?.metrics.zk_server_state).toBe('standalone');
    expect(typeof server?.metrics.zk_znode_count).toBe('number');
  });

  it('without an AdminServer port the server is reported not-whitelisted for mntr, but srvr still classifies it', async () => {
    const round = await probeEnsemble(addressesOf(restricted, false));
    expect(round.servers[0]).toMatchObject({ mode: 'standalone', source: 'none', metrics: {} });
  });

  it('with srvr refused too and no AdminServer, the server is not-whitelisted', async () => {
    const round = await probeEnsemble(addressesOf(restricted, false), { words: ['ruok', 'mntr', 'conf'] });
    expect(round.servers[0]).toMatchObject({ mode: 'not-whitelisted', error: { kind: 'not-whitelisted' } });
  });
});
