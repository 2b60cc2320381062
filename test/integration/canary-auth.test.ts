/**
 * Digest auth for the canary: the canary root is protected by an ACL that only the
 * operator's digest identity may write, as it would be on a shared production ensemble.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCanary } from '../../functions/adapters/zookeeper/canary-session.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { parseServerAddress } from '../../functions/contract/server-address.ts';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { privateEnsemble } from '../support/ensembles.ts';
import { connectedClient } from '../support/zk-client.ts';

const ROOT = '/guarded';
const GOOD = 'lookout:s3cret';
let ensemble: LocalEnsemble;

const digestId = (credentials: string) => {
  const [user] = credentials.split(':');
  return `${user}:${createHash('sha1').update(credentials).digest('base64')}`;
};

beforeAll(async () => {
  ensemble = await privateEnsemble({ size: 1 });
  const admin = await connectedClient(ensemble.connectString);
  try {
    await admin.create(ROOT, '', 'persistent');
    await admin.setAcl(ROOT, -1, [
      { scheme: 'digest', auth: digestId(GOOD), perms: ['all'] },
      { scheme: 'world', auth: 'anyone', perms: ['read'] },
    ]);
  } finally {
    admin.close();
  }
});

describe('canary with digest auth', () => {
  it('the right credentials create, watch and delete under a guarded root', async () => {
    const { canary: result } = await runCanary({ connectString: ensemble.connectString, timeoutMs: 3000, root: ROOT, name: 'ok', digest: GOOD });
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.steps.auth).toBeGreaterThanOrEqual(0);
  });

  it('wrong credentials fail as auth-failed at create, and the handle is closed', async () => {
    const { canary: result } = await runCanary({ connectString: ensemble.connectString, timeoutMs: 3000, root: ROOT, name: 'bad', digest: 'lookout:wrong' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'auth-failed', step: 'create' } });
    expect(result.steps.close).toBeGreaterThanOrEqual(0);
  });

  it('no credentials at all fail the same way', async () => {
    const { canary: result } = await runCanary({ connectString: ensemble.connectString, timeoutMs: 3000, root: ROOT, name: 'none' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'auth-failed', step: 'create' } });
  });
});

/** get_acl answers `[acl, stat]` (older builds: the list alone); each entry carries `perms` (or `perm`). */
type AclEntry = { scheme: string; id?: string; auth?: string; perms?: number; perm?: number };
const aclOf = (reply: unknown): AclEntry[] => (Array.isArray(reply) && Array.isArray(reply[0]) ? reply[0] : reply) as AclEntry[];
const WRITE_LIKE = 0b11110; // write, create, delete, admin
const worldWritable = (acl: AclEntry[]) => acl.some((a) => a.scheme === 'world' && ((a.perms ?? a.perm ?? 0) & WRITE_LIKE) !== 0);

describe('canary parents and names', () => {
  it('after a digest-auth canary, no parent it created lets world:anyone write', async () => {
    const { canary } = await runCanary({ connectString: ensemble.connectString, timeoutMs: 3000, root: '/zk-lookout-acl/canary', name: 'acl', digest: GOOD });
    expect(canary.error).toBeUndefined();
    const reader = await connectedClient(ensemble.connectString);
    try {
      for (const path of ['/zk-lookout-acl', '/zk-lookout-acl/canary']) {
        const acl = aclOf(await reader.acl(path));
        expect(worldWritable(acl), `${path}: ${JSON.stringify(acl)}`).toBe(false);
        expect(acl.some((a) => a.scheme === 'digest' && (a.id ?? a.auth ?? '').startsWith('lookout:'))).toBe(true);
      }
      // An unauthenticated client can no longer lock the canary out.
      await expect(reader.setAcl('/zk-lookout-acl/canary', -1, [{ scheme: 'world', auth: 'anyone', perms: ['read'] }])).rejects.toThrow(/-102/);
    } finally {
      reader.close();
    }
    const again = await runCanary({ connectString: ensemble.connectString, timeoutMs: 3000, root: '/zk-lookout-acl/canary', name: 'acl-2', digest: GOOD });
    expect(again.canary.ok).toBe(true);
  });

  it('without auth the parents stay open, as docs/RELIABILITY.md says', async () => {
    await runCanary({ connectString: ensemble.connectString, timeoutMs: 3000, root: '/zk-lookout-open/canary', name: 'open' });
    const reader = await connectedClient(ensemble.connectString);
    try {
      expect(worldWritable(aclOf(await reader.acl('/zk-lookout-open/canary')))).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('names each round\'s znode with a random nonce, not only the round id', async () => {
    const servers = ensemble.connectString.split(',').map((s) => parseServerAddress(s));
    const options = { ensembleName: 'nonce', roundId: 'fixed-round', timeoutMs: 3000, canary: { root: ROOT, digest: GOOD } };
    const [a, b] = [await probeEnsemble(servers, options), await probeEnsemble(servers, options)];
    expect(a.canary?.path).toMatch(/^\/guarded\/round-fixed-round-[0-9a-f]{16}$/);
    expect(a.canary?.path).not.toBe(b.canary?.path);
  });
});
