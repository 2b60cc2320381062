import { describe, expect, it } from 'vitest';
import {
  alertsFromMessage,
  endedAlert,
  firingAlertsFromState,
  matchersFor,
  supersededAlerts,
  toPostableAlert,
  type ActiveAlert,
} from '../../functions/core/deliver/alertmanager-alerts.ts';
import { initialState, type AlertRecord, type EnsembleState } from '../../functions/contract/ensemble-state.ts';
import type { DrivingSignal } from '../../functions/contract/transition.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';

const HOUR = 3_600_000;
const signal = (name: string, risk: number): DrivingSignal => ({ signal: name, value: 1, nu: 1, tau: 1, w: risk, risk, mode: 'w' });

function record(over: Partial<AlertRecord>): AlertRecord {
  return { alertKey: 'quorum-lost', alertName: 'quorum-lost', level: 'alarm', status: 'firing', since: '2024-05-01T10:00:00.000Z', pendingRounds: 1, notified: true, summary: 'quorum lost', ...over };
}

function stateWith(...records: AlertRecord[]): EnsembleState {
  return { ...initialState('prod-zk'), alerts: Object.fromEntries(records.map((r) => [r.alertKey, r])), lastProbability: 0.9 };
}

describe('alertsFromMessage', () => {
  const alerts = alertsFromMessage(sampleMessage(), 4 * HOUR);
  const byName = (name: string) => alerts.find((a) => a.labels.alertname === name);

  it('maps every change with alertname, ensemble, server, severity and zk-lookout level', () => {
    expect(alerts).toHaveLength(3);
    expect(byName('server-down')?.labels).toEqual({ alertname: 'server-down', ensemble: 'prod-zk', server: 'zk1:2181', severity: 'critical', level: 'alarm', source: 'zk-lookout' });
    expect(byName('early-warning')?.labels).toMatchObject({ severity: 'warning', level: 'warning', signal: 'avg_latency' });
    expect(byName('early-warning')?.labels.server).toBeUndefined();
  });

  it('fired and reminders end a horizon after the evaluation; resolutions end at it', () => {
    expect(byName('server-down')).toMatchObject({ startsAt: '2024-05-01T10:00:00.000Z', endsAt: '2024-05-01T14:00:00.000Z' });
    expect(byName('read-only')?.endsAt).toBe('2024-05-01T10:00:00.000Z');
  });

  it('annotates summary, a description with the driving signals, runbook_url, and links the dashboard', () => {
    const warning = byName('early-warning');
    expect(warning?.annotations.summary).toBe('latency rising on prod-zk');
    // An early warning is one cause: its probability is that cause's risk; values carry their units where the signal has one.
    expect(warning?.annotations.description).toContain('risk 87%');
    expect(warning?.annotations.description).toContain('avg_latency on zk2:2181 = 120.5 (ν 100, τ 10, W 88%, P 97%, risk 85%, mode p*w)');
    expect(warning?.annotations.runbook_url).toBe('https://wiki.example.com/zk-runbook');
    expect(warning?.generatorURL).toBe('https://grafana.example.com/d/zk');
  });
});

describe('firingAlertsFromState', () => {
  const at = '2024-05-01T10:05:00.000Z';
  it('takes firing alerts only, leaving out pending, silenced and inhibited ones', () => {
    const state = stateWith(
      record({}),
      record({ alertKey: 'server-down:a', alertName: 'server-down', server: 'a', inhibitedBy: 'quorum-lost' }),
      record({ alertKey: 'read-only', alertName: 'read-only', silencedBy: 'maintenance' }),
      record({ alertKey: 'canary-failed', alertName: 'canary-failed', status: 'pending' }),
    );
    const out = firingAlertsFromState(state, [], { at, endsAfterMs: 180_000 });
    expect(out.map((a) => a.alertKey)).toEqual(['quorum-lost']);
    expect(out[0]?.alert).toMatchObject({ startsAt: '2024-05-01T10:00:00.000Z', endsAt: '2024-05-01T10:08:00.000Z' });
  });

  it("labels a version-1 state's single early-warning with the round's top signal and describes the ensemble probability", () => {
    const state = stateWith(record({ alertKey: 'early-warning', alertName: 'early-warning', level: 'warning', summary: 'p high' }));
    const [only] = firingAlertsFromState(state, [signal('fd-use', 0.8), signal('latency-avg', 0.2)], { at, endsAfterMs: 1000 });
    expect(only?.alert.labels).toMatchObject({ alertname: 'early-warning', severity: 'warning', signal: 'fd-use' });
    expect(only?.alert.annotations.description).toContain('risk 90%');
  });

  it('labels a per-cause early warning with its own signal and describes only that signal, even in a round without its value', () => {
    const cause = record({ alertKey: 'early-warning:fd-use:zk2:2181', alertName: 'early-warning', level: 'warning', server: 'zk2:2181', summary: 'fd-use 90 % on zk2:2181' });
    const own = { ...signal('fd-use', 0.8), server: 'zk2:2181', unit: 'fraction', value: 0.9 };
    const [withValue] = firingAlertsFromState(stateWith(cause), [signal('latency-avg', 0.95), own], { at, endsAfterMs: 1000 });
    expect(withValue?.alert.labels).toMatchObject({ alertname: 'early-warning', server: 'zk2:2181', signal: 'fd-use' });
    expect(withValue?.alert.annotations.description).toContain('fd-use on zk2:2181 = 90%');
    expect(withValue?.alert.annotations.description).not.toContain('latency-avg');
    const [without] = firingAlertsFromState(stateWith(cause), [], { at, endsAfterMs: 1000 });
    expect(without?.alert.labels.signal).toBe('fd-use');
  });

  it('gives alarms no signal label even when signals are passed', () => {
    const [only] = firingAlertsFromState(stateWith(record({})), [signal('fd-use', 0.8)], { at, endsAfterMs: 1000 });
    expect(only?.alert.labels.signal).toBeUndefined();
  });
});

describe('supersededAlerts', () => {
  const at = '2024-05-01T11:00:00.000Z';
  const posting = toPostableAlert('prod-zk', { alertName: 'early-warning', level: 'warning', summary: 's', since: '2024-05-01T10:00:00.000Z', signals: [signal('fd-use', 0.9)] }, false, { at, endsAfterMs: HOUR });
  const active = (labels: Record<string, string>): ActiveAlert => ({ labels, annotations: { summary: 'old' }, startsAt: '2024-05-01T10:00:00.000Z', endsAt: '2024-05-01T12:00:00.000Z' });

  it('ends the same alert posted earlier with other labels (here its severity), and nothing else', () => {
    const older = active({ ...posting.labels, severity: 'critical' });
    const out = supersededAlerts(
      [posting],
      [older, active(posting.labels), active({ ...posting.labels, ensemble: 'other', severity: 'x' }), active({ ...posting.labels, source: 'prometheus', severity: 'x' })],
      at,
    );
    expect(out).toEqual([{ labels: older.labels, annotations: { summary: 'old' }, startsAt: older.startsAt, endsAt: at }]);
  });

  it('an early warning with another signal is another cause: posting one never ends the other', () => {
    expect(supersededAlerts([posting], [active({ ...posting.labels, signal: 'latency-avg' })], at)).toEqual([]);
    const resolved = endedAlert(posting, at);
    expect(supersededAlerts([resolved], [active({ ...posting.labels, signal: 'fd-exhaustion-hours' })], at)).toEqual([]);
  });

  it('builds matchers that select exactly the posted ensembles and alert names', () => {
    const other = toPostableAlert('b.zk', { alertName: 'quorum-lost', level: 'alarm', summary: 's', since: at, signals: [] }, false, { at, endsAfterMs: 1 });
    expect(matchersFor([posting])).toEqual(['source="zk-lookout"', 'ensemble="prod-zk"', 'alertname="early-warning"']);
    expect(matchersFor([posting, other])).toEqual(['source="zk-lookout"', 'ensemble=~"prod-zk|b\\\\.zk"', 'alertname=~"early-warning|quorum-lost"']);
  });
});
