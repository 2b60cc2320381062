import { describe, expect, it } from 'vitest';
import { ServerModes } from '../../functions/contract/probe-round.ts';
import { initialState, type EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { evaluateRound } from '../../functions/core/evaluate/evaluate-round.ts';
import { DEFAULT_THRESHOLDS, resolveThresholds } from '../../functions/contract/thresholds.ts';
import { ensembleSamples, type GaugeSample } from '../../functions/core/metrics/ensemble-samples.ts';
import { minutes, trioRound, TRIO } from '../support/probe-rounds.ts';

const T0 = new Date('2024-05-01T10:00:00.000Z');
const thresholds = resolveThresholds(DEFAULT_THRESHOLDS, 'prod');
const settings = { thresholds, silences: [], configProblems: [] };
const find = (samples: GaugeSample[], metric: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.metric === metric && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('ensembleSamples', () => {
  const round = trioRound('r1', T0, ['leader', 'follower', 'unreachable'], [
    { metrics: { zk_avg_latency: 0.4, zk_version: '3.8.0-abc', zk_avg_zookeeper_write_per_namespace: 155 } },
  ]);
  const { samples } = ensembleSamples({ round, signals: [], knownAlerts: [] });

  it('per server: up, serving and a one-hot mode', () => {
    expect(find(samples, 'zk_lookout_server_up').map((s) => s.value)).toEqual([1, 1, 0]);
    expect(find(samples, 'zk_lookout_server_serving').map((s) => s.value)).toEqual([1, 1, 0]);
    const modes = find(samples, 'zk_lookout_server_mode', { server: TRIO[2] });
    expect(modes).toHaveLength(ServerModes.length);
    expect(modes.filter((s) => s.value === 1).map((s) => s.labels.mode)).toEqual(['unreachable']);
  });

  it('every numeric mntr key by name; strings and per-namespace keys left out', () => {
    const names = find(samples, 'zk_lookout_mntr', { server: TRIO[0] }).map((s) => s.labels.name);
    expect(names).toContain('zk_avg_latency');
    expect(names).not.toContain('zk_version');
    expect(names).not.toContain('zk_avg_zookeeper_write_per_namespace');
    expect(find(samples, 'zk_lookout_mntr', { server: TRIO[0], name: 'zk_avg_latency' })[0]?.value).toBe(0.4);
  });

  it('per ensemble: leaders, quorum, serving, and the round time', () => {
    expect(find(samples, 'zk_lookout_ensemble_leaders')[0]?.value).toBe(1);
    expect(find(samples, 'zk_lookout_ensemble_quorum')[0]?.value).toBe(1);
    expect(find(samples, 'zk_lookout_ensemble_servers_serving')[0]?.value).toBe(2);
    expect(find(samples, 'zk_lookout_last_round_timestamp_seconds')[0]?.value).toBe(T0.getTime() / 1000);
    expect(samples.every((s) => s.labels.ensemble === 'prod')).toBe(true);
  });

  it('canary steps in seconds and success', () => {
    const withCanary = trioRound('r2', T0, undefined, [], { ok: true, steps: { connect: 12, create: 3 }, totalMs: 15 });
    const out = ensembleSamples({ round: withCanary, signals: [], knownAlerts: [] }).samples;
    expect(find(out, 'zk_lookout_canary_success')[0]?.value).toBe(1);
    expect(find(out, 'zk_lookout_canary_step_seconds', { step: 'connect' })[0]?.value).toBe(0.012);
  });

  it('alerts: firing 1, pending 0, and a resolved one stays at 0 once seen', () => {
    const state: EnsembleState = {
      ...initialState('prod'),
      alerts: {
        'server-down:a': { alertKey: 'server-down:a', alertName: 'server-down', level: 'alarm', server: 'a', status: 'firing', since: '', pendingRounds: 1, notified: true, summary: '' },
        'early-warning': { alertKey: 'early-warning', alertName: 'early-warning', level: 'warning', status: 'pending', since: '', pendingRounds: 1, notified: false, summary: '' },
      },
    };
    const first = ensembleSamples({ round, state, signals: [], knownAlerts: [] });
    expect(find(first.samples, 'zk_lookout_alert_firing').map((s) => [s.labels.alert, s.labels.server, s.value])).toEqual([
      ['server-down', 'a', 1],
      ['early-warning', undefined, 0],
    ]);
    const later = ensembleSamples({ round, state: initialState('prod'), signals: [], knownAlerts: first.alerts });
    expect(find(later.samples, 'zk_lookout_alert_firing').map((s) => s.value)).toEqual([0, 0]);
  });
});

describe("the evaluator's risk assessment", () => {
  it('is the one behind the probability the state keeps, with every signal\'s part', () => {
    let state: EnsembleState | undefined;
    for (let i = 0; i < 6; i++) {
      const round = trioRound(`r${i}`, minutes(T0, i), undefined, [{ metrics: { zk_open_file_descriptor_count: 14_000 + 500 * i } }]);
      const result = evaluateRound(state, round, settings, minutes(T0, i));
      state = result.state;
      expect(result.assessment?.probability).toBe(state.lastProbability);
    }
    const last = evaluateRound(state, trioRound('r9', minutes(T0, 9), undefined, [{ metrics: { zk_open_file_descriptor_count: 19_000 } }]), settings, minutes(T0, 9)).assessment;
    // The fd forecast (fd-exhaustion-hours) may rank above fd-use now; both are this server's.
    const fdUse = last?.signals.find((s) => s.signal === 'fd-use' && s.server === TRIO[0]);
    expect(fdUse).toMatchObject({ signal: 'fd-use', server: TRIO[0], value: 0.95 });
    expect(fdUse?.risk).toBeGreaterThan(0.5);
    expect(last?.signals[0]?.server).toBe(TRIO[0]);
  });

  it('is absent for a redelivered round, which changes nothing', () => {
    const round = trioRound('r0', minutes(T0, 0));
    const first = evaluateRound(undefined, round, settings, minutes(T0, 0));
    expect(evaluateRound(first.state, round, settings, minutes(T0, 1)).assessment).toBeUndefined();
  });
});
