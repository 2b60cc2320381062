import { describe, expect, it } from 'vitest';
import { buildAlertMessage, shellQuote, TITLE_MAX_CHARS } from '../../functions/core/deliver/build-alert-message.ts';
import { evaluation, transition } from '../support/alert-fixtures.ts';

describe('buildAlertMessage', () => {
  it('returns undefined when no transition is to be notified', () => {
    expect(buildAlertMessage(evaluation([transition({ notify: false, silencedBy: 's1' })]))).toBeUndefined();
    expect(buildAlertMessage(evaluation([]))).toBeUndefined();
  });

  it('keeps only notifiable transitions and orders them by importance', () => {
    const msg = buildAlertMessage(
      evaluation([
        transition({ alertKey: 'config-invalid', alertName: 'config-invalid', level: 'info' }),
        transition({ alertKey: 'read-only', alertName: 'read-only', change: 'resolved' }),
        transition({ alertKey: 'early-warning', alertName: 'early-warning', level: 'warning', change: 'reminder' }),
        transition({ alertKey: 'server-down:a', alertName: 'server-down', server: 'a:2181', notify: false, inhibitedBy: 'quorum-lost' }),
        transition({ alertKey: 'quorum-lost', alertName: 'quorum-lost', change: 'reminder' }),
      ]),
    );
    expect(msg?.changes.map((c) => c.alertKey)).toEqual(['quorum-lost', 'early-warning', 'config-invalid', 'read-only']);
    expect(msg?.kind).toBe('quorum-lost');
    expect(msg?.severity).toBe('alarm');
  });

  it.each([
    { name: 'alarm beats warning', levels: [['warning', 'fired'], ['alarm', 'reminder']], severity: 'alarm' },
    { name: 'warning without alarm', levels: [['warning', 'fired'], ['info', 'fired']], severity: 'warning' },
    { name: 'info alone', levels: [['info', 'fired']], severity: 'info' },
    { name: 'a resolved alarm does not make an alarm', levels: [['alarm', 'resolved'], ['info', 'fired']], severity: 'info' },
    { name: 'only resolutions', levels: [['alarm', 'resolved'], ['warning', 'resolved']], severity: 'resolved' },
  ] as const)('severity: $name', ({ levels, severity }) => {
    const msg = buildAlertMessage(evaluation(levels.map(([level, change], i) => transition({ alertKey: `k${i}`, level, change }))));
    expect(msg?.severity).toBe(severity);
  });

  it('titles with severity, ensemble and the top change, within 100 characters', () => {
    const msg = buildAlertMessage(evaluation([transition(), transition({ alertKey: 'x', level: 'warning' })]));
    expect(msg?.title).toBe('[ALARM] prod-zk: quorum lost: 1 of 3 servers serving (needs 2) (+1 more)');
    const long = buildAlertMessage(evaluation([transition({ summary: 'x'.repeat(500) }), transition({ alertKey: 'y' })], 'e'.repeat(300)));
    expect(long?.title.length).toBeLessThanOrEqual(TITLE_MAX_CHARS);
    const resolved = buildAlertMessage(evaluation([transition({ change: 'resolved' })]));
    expect(resolved?.title).toBe('[RESOLVED] prod-zk: quorum-lost resolved');
  });

  it('carries signals, probability, since, links and round identity', () => {
    const signal = { signal: 'avg_latency', value: 120, nu: 100, tau: 10, w: 0.88, risk: 0.88, mode: 'w' };
    const msg = buildAlertMessage(evaluation([transition({ alertName: 'early-warning', level: 'warning', probability: 0.9, signals: [signal] })]), {
      links: { dashboard: 'https://d.example/x', runbook: '' },
    });
    expect(msg).toMatchObject({ version: 1, roundId: 'r-1', evaluatedAt: '2024-05-01T10:00:00.000Z', links: { dashboard: 'https://d.example/x' } });
    expect(msg?.links).not.toHaveProperty('runbook');
    expect(msg?.changes[0]).toMatchObject({ probability: 0.9, since: '2024-05-01T10:00:00.000Z', signals: [signal] });
  });

  // Issue 15: the command used to carry an absolute --until (stale by the time it was read) and no region or local target.
  it('writes the exact silence command for the top change, for two hours from when it is pasted, naming its target', () => {
    const down = evaluation([transition({ alertKey: 'server-down:10.0.0.1:2181', alertName: 'server-down', server: '10.0.0.1:2181' })]);
    expect(buildAlertMessage(down, { stage: 'prod' })?.silenceCommand).toBe(
      "npx zk-lookout silence add --ensemble prod-zk --server 10.0.0.1:2181 --alert server-down --until +2h --reason 'investigating server-down:10.0.0.1:2181' --stage prod",
    );
    expect(buildAlertMessage(down, { silenceTarget: { stage: 'prod', region: 'eu-west-1' } })?.silenceCommand).toMatch(/ --until \+2h .* --stage prod --region eu-west-1$/);
    expect(buildAlertMessage(down, { silenceTarget: { configFile: '/etc/zk lookout/local.json' } })?.silenceCommand).toMatch(/ --config '\/etc\/zk lookout\/local\.json'$/);
  });

  it('shell-quotes names a shell would interpret', () => {
    expect(shellQuote('prod-zk')).toBe('prod-zk');
    expect(shellQuote("it's $(rm -rf /)")).toBe(`'it'\\''s $(rm -rf /)'`);
  });
});
