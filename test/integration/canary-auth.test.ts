/**
 * Digest auth for the canary: the canary root is protected by an ACL that only the
 * operator's digest identity may write, as it would be on a shared production ensemble.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCanary } from '../../functions/probe/canary-session.ts';
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
