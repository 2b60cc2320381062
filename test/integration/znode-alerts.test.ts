/**
 * Znode rules through the evaluator on a real server: the alerts a person gets when a
 * registration disappears, an election gets a second contender, a configuration changes,
 * or a path is world-writable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlertMessage } from '../../functions/core/deliver/build-alert-message.ts';
import { renderText } from '../../functions/core/deliver/render-text.ts';
import type { EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { evaluateRound } from '../../functions/core/evaluate/evaluate-round.ts';
import { settingsFor } from '../../functions/core/evaluate/settings-snapshot.ts';
import type { Transition } from '../../functions/contract/transition.ts';
import { parseZnodeRules, type ZnodeRuleInput } from '../../functions/contract/znode-rules.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { addressesOf, privateEnsemble } from '../support/ensembles.ts';
import type { HostedSession } from '../../functions/adapters/zookeeper/zookeeper-host.ts';
import { connectedClient, mkdirp } from '../support/zk-client.ts';

const RULES: ZnodeRuleInput[] = [
  { check: 'ephemeral-owner', path: '/svc/ids/1', name: 'svc-registration' },
  { check: 'election', path: '/svc/leader', name: 'svc-leader' },
  { check: 'config', path: '/svc/config' },
  { check: 'open-acl', path: '/svc/shared', maxDepth: 1 },
];
const SECRET = 'hunter2-password-in-config';

let ensemble: LocalEnsemble;
let admin: HostedSession;
let state: EnsembleState | undefined;
let clock = Date.parse('2026-01-01T00:00:00Z');

beforeAll(async () => {
  ensemble = await privateEnsemble({ size: 1 });
  admin = await connectedClient(ensemble.connectString);
  await mkdirp(admin, '/svc/ids');
  await mkdirp(admin, '/svc/leader');
  await mkdirp(admin, '/svc/config', JSON.stringify({ password: SECRET, pool: 10 }));
  // Created with ZooKeeper's default ACL, world:anyone with every permission: the classic mistake.
  await mkdirp(admin, '/svc/shared');
});
afterAll(() => admin?.close());

/** One probe and one evaluation; returns the transitions of that round. */
async function round(): Promise<Transition[]> {
  const parsed = parseZnodeRules(RULES);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const probed = await probeEnsemble(addressesOf(ensemble), { ensembleName: 'svc', canary: { znodeRules: parsed.rules } });
  clock += 60_000;
  const now = new Date(clock);
  const result = evaluateRound(state, { ...probed, startedAt: now.toISOString() }, settingsFor({ thresholds: {}, silences: [], configProblems: [] }, 'svc'), now);
  state = result.state;
  return result.evaluation.transitions;
}

const changes = (ts: Transition[]) => ts.filter((t) => t.notify).map((t) => `${t.change} ${t.alertKey} (${t.level})`);

describe.sequential('znode rules become alerts', () => {
  let registrant: HostedSession;
  let holder: HostedSession;

  it('first round: registration and election hold, the world-writable path is a warning', async () => {
    registrant = await connectedClient(ensemble.connectString);
    await registrant.create('/svc/ids/1', '', 'ephemeral');
    holder = await connectedClient(ensemble.connectString);
    await holder.create('/svc/leader/_c_a-latch-', '', 'ephemeral-sequential');
    const ts = await round();
    expect(changes(ts)).toEqual(['fired open-acl:/svc/shared (warning)']);
    expect(ts.find((t) => t.alertName === 'open-acl')?.summary).toMatch(/\/svc\/shared \(read\/write\/create\/delete\/admin\)/);
  });

  it('the registration disappears when its session closes → alarm; back → resolved', async () => {
    // Resolves once the server has closed the session, and with it the registration.
    await registrant.close();
    let ts = await round();
    expect(changes(ts)).toEqual(['fired znode-rule:svc-registration (alarm)']);
    expect(ts[0]?.summary).toMatch(/svc-registration \(\/svc\/ids\/1\): does not exist/);

    registrant = await connectedClient(ensemble.connectString);
    await registrant.create('/svc/ids/1', '', 'ephemeral');
    ts = await round();
    expect(changes(ts)).toEqual(['resolved znode-rule:svc-registration (alarm)']);
  });

  it('a second contender in the election → alarm naming the holder; back to one → resolved', async () => {
    const contender = await connectedClient(ensemble.connectString);
    try {
      await contender.create('/svc/leader/_c_b-latch-', '', 'ephemeral-sequential');
      const ts = await round();
      expect(changes(ts)).toEqual(['fired znode-rule:svc-leader (alarm)']);
      expect(ts[0]?.summary).toMatch(/2 contenders; held by _c_a-latch-\d{10} since .+ \(session 0x[0-9a-f]+\)/);
    } finally {
      await contender.close();
    }
    expect(changes(await round())).toEqual(['resolved znode-rule:svc-leader (alarm)']);
  });

  it('a configuration set twice → two notices with versions and changed keys, and no content in the message', async () => {
    await admin.set('/svc/config', JSON.stringify({ password: SECRET, pool: 20 }), -1);
    const first = await round();
    await admin.set('/svc/config', JSON.stringify({ password: `${SECRET}-rotated`, pool: 20 }), -1);
    const second = await round();
    const notices = [...first, ...second].filter((t) => t.alertName === 'config-change');
    expect(notices.map((t) => t.summary)).toEqual([
      expect.stringMatching(/^configuration \/svc\/config changed: version 0 → 1 at .+ by transaction 0x[0-9a-f]+, keys changed: pool$/),
      expect.stringMatching(/^configuration \/svc\/config changed: version 1 → 2 .+ keys changed: password$/),
    ]);
    for (const ts of [first, second]) {
      const message = buildAlertMessage({ ensembleName: 'svc', roundId: 'r', evaluatedAt: new Date(clock).toISOString(), transitions: ts });
      expect(message?.severity).toBe('info');
      const text = renderText(message!);
      expect(text).toContain('/svc/config');
      expect(text).not.toContain(SECRET);
      expect(JSON.stringify(message)).not.toContain(SECRET);
    }
    // Nothing else changed: a quiet round.
    expect(changes(await round())).toEqual([]);
    await Promise.all([registrant.close(), holder.close()]);
  });
});
