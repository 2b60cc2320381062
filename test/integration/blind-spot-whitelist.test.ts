/**
 * Blind spots on a real 3.8 ensemble: a server restarted with `mntr` outside its
 * `4lw.commands.whitelist` is named in the round with its own message, the evaluator
 * raises one `blind-spot` notice naming `mntr` and the signals it turns off, and restoring
 * the whitelist (another restart) resolves it.
 */
import { describe, expect, it } from 'vitest';
import type { EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { evaluateRound, type EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import type { Transition } from '../../functions/contract/transition.ts';
import { buildAlertMessage } from '../../functions/core/deliver/build-alert-message.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { addressesOf, privateEnsemble } from '../support/ensembles.ts';
import { SessionLeak } from '../support/session-leak.ts';

const zk = await privateEnsemble({ size: 3 });
const settings: EvaluationSettings = { thresholds: resolveThresholds(DEFAULT_THRESHOLDS, 'wl'), silences: [], configProblems: [] };

function evaluator(settings: EvaluationSettings) {
  let state: EnsembleState | undefined;
  return async (withAdmin = false) => {
    const round = await probeEnsemble(addressesOf(zk, withAdmin), { ensembleName: 'wl', timeoutMs: 2000 });
    const out = evaluateRound(state, round, settings, new Date());
    state = out.state;
    return { round, transitions: out.evaluation.transitions, evaluation: out.evaluation };
  };
}

const blindSpotChanges = (ts: readonly Transition[]) => ts.filter((t) => t.alertName === 'blind-spot');

async function restartWithWhitelist(id: number, whitelist: string): Promise<void> {
  await zk.stop(id);
  zk.setConfig(id, { '4lw.commands.whitelist': whitelist });
  zk.restart(id);
  await zk.waitServing(30_000);
}

describe('blind spots on a real ensemble', () => {
  it("a healthy 3.8.0 ensemble has no blind spot (its mntr lacks zk_fsync_threshold_exceed_count: a known gap of 3.8.0, not this server's)", async () => {
    const { round, transitions } = await evaluator(settings)();
    expect(round.servers.every((s) => s.blindSpots === undefined)).toBe(true);
    expect(round.servers.some((s) => s.metrics.zk_fsync_threshold_exceed_count !== undefined)).toBe(false);
    expect(blindSpotChanges(transitions)).toEqual([]);
  });

  it("conf, cons and mntr outside the whitelist: the AdminServer's configuration, connections and monitor stand in; without its port all three are blind spots", async () => {
    const id = (await zk.followers())[0] as number;
    const address = zk.server(id).address;
    await restartWithWhitelist(id, 'srvr,ruok,isro');
    const leak = new SessionLeak({ host: '127.0.0.1', port: zk.server(id).clientPort, localAddress: '127.0.0.2' });
    try {
      expect(await leak.openUpTo(3)).toBeUndefined();
      const viaAdmin = await probeEnsemble(addressesOf(zk, true), { ensembleName: 'wl', timeoutMs: 2000 });
      const served = viaAdmin.servers.find((s) => s.address === address);
      expect(served).toMatchObject({ mode: 'follower', source: 'admin-server', conf: { maxClientCnxns: '0' } });
      // The AdminServer's list holds ZooKeeper client connections only (its own HTTP one is not one).
      expect(served?.clients).toEqual({ total: 3, ips: 1, top: [{ ip: '127.0.0.2', count: 3 }] });
      expect(served?.blindSpots).toBeUndefined();

      const words = await probeEnsemble(addressesOf(zk, false), { ensembleName: 'wl', timeoutMs: 2000 });
      const blind = words.servers.find((s) => s.address === address);
      expect(blind?.blindSpots?.map((b) => [b.word, b.reason])).toEqual([
        ['mntr', 'not-whitelisted'],
        ['conf', 'not-whitelisted'],
        ['cons', 'not-whitelisted'],
      ]);
      expect(blind?.clients).toBeUndefined();
      expect(blind?.conf).toBeUndefined();
    } finally {
      leak.close();
      await restartWithWhitelist(id, '*');
    }
  });

  it('mntr outside the whitelist: named in the round, one notice naming mntr and the signals it turns off, resolved when the whitelist is restored', async () => {
    const evaluate = evaluator(settings);
    expect(blindSpotChanges((await evaluate()).transitions)).toEqual([]);

    const id = (await zk.followers())[0] as number;
    const address = zk.server(id).address;
    await restartWithWhitelist(id, 'srvr,ruok,isro,conf,cons');

    const { round, transitions, evaluation } = await evaluate();
    const server = round.servers.find((s) => s.address === address);
    expect(server).toMatchObject({ mode: 'follower', source: 'none', metrics: {} });
    expect(server?.blindSpots).toEqual([{ word: 'mntr', reason: 'not-whitelisted', message: 'mntr is not executed because it is not in the whitelist.' }]);
    const [notice, ...others] = blindSpotChanges(transitions);
    expect(others).toEqual([]);
    expect(notice).toMatchObject({ alertKey: `blind-spot:${address}`, change: 'fired', level: 'info', notify: true, server: address });
    expect(notice?.summary).toBe(
      `blind spot on ${address}: mntr is not in 4lw.commands.whitelist (‹mntr is not executed because it is not in the whitelist.›); ` +
        'off: read-latency-ms, write-latency-ms, read-latency-p99-ms, write-latency-p99-ms, jvm-pause-ms-per-min, fsync-exceed-per-min, fd-use, fd-exhaustion-hours, znode-growth, watch-growth, data-size-growth; ' +
        'fix: add mntr to 4lw.commands.whitelist (e.g. 4lw.commands.whitelist=srvr,mntr,conf,cons,ruok,isro) and restart the server ' +
        'or give the probe the AdminServer port (adminPorts), whose monitor command carries the same data',
    );
    expect(buildAlertMessage(evaluation)?.severity).toBe('info');
    // Told once: the next round changes nothing.
    expect(blindSpotChanges((await evaluate()).transitions)).toEqual([]);

    // With the AdminServer port the same server is not blind: monitor stands in for mntr.
    const viaAdmin = await probeEnsemble(addressesOf(zk, true), { ensembleName: 'wl', timeoutMs: 2000 });
    expect(viaAdmin.servers.find((s) => s.address === address)).toMatchObject({ source: 'admin-server' });
    expect(viaAdmin.servers.find((s) => s.address === address)?.blindSpots).toBeUndefined();

    // While the server is down the notice is held, neither resolved nor refired.
    await zk.stop(id);
    const down = await evaluate();
    expect(down.round.servers.find((s) => s.address === address)?.mode).toBe('unreachable');
    expect(blindSpotChanges(down.transitions)).toEqual([]);

    zk.setConfig(id, { '4lw.commands.whitelist': '*' });
    zk.restart(id);
    await zk.waitServing(30_000);
    const restored = await evaluate();
    expect(restored.round.servers.find((s) => s.address === address)?.blindSpots).toBeUndefined();
    expect(blindSpotChanges(restored.transitions).map((t) => [t.alertKey, t.change, t.level])).toEqual([[`blind-spot:${address}`, 'resolved', 'info']]);
  });
});
