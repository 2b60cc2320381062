/**
 * Znode rules against a real server: registrations, elections, configuration changes,
 * open ACLs, and a path with 10,000 children.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZnodeCheckResult } from '../../functions/contract/probe-round.ts';
import { parseZnodeRules, type ZnodeRuleInput } from '../../functions/contract/znode-rules.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { addressesOf, privateEnsemble } from '../support/ensembles.ts';
import type { HostedSession } from '../../functions/adapters/zookeeper/zookeeper-host.ts';
import { connectedClient, mkdirp } from '../support/zk-client.ts';
import { expectNoHang } from '../support/hang-guard.ts';

let ensemble: LocalEnsemble;
let admin: HostedSession;

beforeAll(async () => {
  ensemble = await privateEnsemble({ size: 1 });
  admin = await connectedClient(ensemble.connectString);
});
afterAll(() => admin?.close());

async function check(rules: ZnodeRuleInput[], timeoutMs = 3000): Promise<{ results: ZnodeCheckResult[]; elapsed: number }> {
  const parsed = parseZnodeRules(rules);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const started = performance.now();
  const round = await probeEnsemble(addressesOf(ensemble), { timeoutMs, canary: { znodeRules: parsed.rules } });
  return { results: round.znodes ?? [], elapsed: performance.now() - started };
}

describe('znode rules on a real server', () => {
  it('a registration disappears with its session and comes back with a new one', async () => {
    await mkdirp(admin, '/brokers/ids');
    const broker = await connectedClient(ensemble.connectString);
    await broker.create('/brokers/ids/1', '{"host":"b1"}', 'ephemeral');
    const rules: ZnodeRuleInput[] = [
      { check: 'ephemeral-owner', path: '/brokers/ids/1' },
      { check: 'children', path: '/brokers/ids', min: 1 },
    ];
    let { results } = await check(rules);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(results[0]?.ephemeralOwner).toMatch(/^[0-9a-f]+$/);

    // Resolves once the server has closed the session, and with it the registration.
    await broker.close();
    ({ results } = await check(rules));
    expect(results.map((r) => r.status)).toEqual(['violated', 'violated']);
    expect(results[0]?.detail).toMatch(/does not exist/);
    expect(results[1]).toMatchObject({ childCount: 0, detail: '0 children (min 1)' });

    const again = await connectedClient(ensemble.connectString);
    try {
      await again.create('/brokers/ids/1', '{"host":"b1"}', 'ephemeral');
      ({ results } = await check(rules));
      expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
    } finally {
      await again.close();
    }
  });

  it('an election with one holder is ok, with a second contender it is violated', async () => {
    await mkdirp(admin, '/app/leader');
    const first = await connectedClient(ensemble.connectString);
    const second = await connectedClient(ensemble.connectString);
    try {
      const flags = 'ephemeral-sequential';
      const held = (await first.create('/app/leader/_c_a1-latch-', 'node-a', flags)) as string;
      let { results } = await check([{ check: 'election', path: '/app/leader' }]);
      expect(results[0]).toMatchObject({ status: 'ok', childCount: 1, holder: { node: held.split('/').pop() } });
      expect(results[0]?.holder?.ephemeralOwner).toBeDefined();
      expect(Date.parse(results[0]?.holder?.since ?? '')).toBeGreaterThan(Date.now() - 60_000);

      await second.create('/app/leader/_c_b2-latch-', 'node-b', flags);
      ({ results } = await check([{ check: 'election', path: '/app/leader' }]));
      expect(results[0]).toMatchObject({ status: 'violated', childCount: 2, detail: '2 contenders', holder: { node: held.split('/').pop() } });
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('a configuration set twice: two versions, the changed key named, no content', async () => {
    await mkdirp(admin, '/app/config', JSON.stringify({ mode: 'active', pool: 10 }));
    const rules: ZnodeRuleInput[] = [{ check: 'config', path: '/app/config' }];
    const v0 = (await check(rules)).results[0]?.data;
    await admin.set('/app/config', JSON.stringify({ mode: 'active', pool: 20 }), -1);
    const v1 = (await check(rules)).results[0]?.data;
    await admin.set('/app/config', JSON.stringify({ mode: 'draining', pool: 20 }), -1);
    const v2 = (await check(rules)).results[0]?.data;
    expect([v0?.version, v1?.version, v2?.version]).toEqual([0, 1, 2]);
    expect(new Set([v0?.sha256, v1?.sha256, v2?.sha256]).size).toBe(3);
    expect(v1?.keyHashes?.mode).toBe(v0?.keyHashes?.mode);
    expect(v1?.keyHashes?.pool).not.toBe(v0?.keyHashes?.pool);
    expect(v2?.keyHashes?.mode).not.toBe(v1?.keyHashes?.mode);
    expect(v2?.content).toBeUndefined();
    expect(JSON.stringify(v2)).not.toContain('draining');

    const optIn = (await check([{ check: 'config', path: '/app/config', content: true }])).results[0]?.data;
    expect(optIn?.content).toContain('draining');
  });

  it('flags a world-writable path and not a locked one', async () => {
    await mkdirp(admin, '/secure/open');
    await mkdirp(admin, '/secure/locked');
    await admin.setAcl('/secure', -1, [{ scheme: 'world', auth: 'anyone', perms: ['read'] }]);
    await admin.setAcl('/secure/locked', -1, [{ scheme: 'world', auth: 'anyone', perms: ['read'] }]);
    const { results } = await check([{ check: 'open-acl', path: '/secure' }]);
    expect(results[0]).toMatchObject({ status: 'violated', openCount: 1, pathsChecked: 3 });
    expect(results[0]?.openAcls).toEqual([{ path: '/secure/open', perms: ['read', 'write', 'create', 'delete', 'admin'] }]);
  });

  it('a path with 10,000 children stays within its deadline and caps', async () => {
    await mkdirp(admin, '/crowd');
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 500 }, (_, i) => admin.create(`/crowd/n${batch * 500 + i}`, '', 'persistent')));
    }
    const { results, elapsed } = await check(
      [
        { check: 'children', path: '/crowd', max: 100 },
        { check: 'open-acl', path: '/crowd', maxDepth: 1 },
      ],
      2000,
    );
    expectNoHang(elapsed, 2000);
    expect(results[0]).toMatchObject({ status: 'violated', childCount: 10_000 });
    expect(results[0]?.children).toHaveLength(20);
    expect(results[1]).toMatchObject({ truncated: true });
    expect(results[1]?.openAcls?.length).toBeLessThanOrEqual(20);
    expect(results.reduce((n, r) => n + r.reads, 0)).toBeLessThanOrEqual(500);
  });

  it('rules are not checked, and say so, when the session cannot connect', async () => {
    const parsed = parseZnodeRules([{ check: 'exists', path: '/x' }]);
    if (!parsed.ok) throw new Error('rules');
    const round = await probeEnsemble([{ host: '127.0.0.1', port: 1 }], { timeoutMs: 500, canary: { znodeRules: parsed.rules } });
    expect(round.znodes).toEqual([
      expect.objectContaining({ status: 'error', error: { kind: 'session-unavailable', message: 'the session did not connect' } }),
    ]);
  });
});
