/** Evaluations and alert messages for delivery tests. */
import { buildAlertMessage } from '../../functions/core/deliver/build-alert-message.ts';
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import type { Evaluation, Transition } from '../../functions/contract/transition.ts';

export function transition(over: Partial<Transition> = {}): Transition {
  return {
    version: 1,
    ensembleName: 'prod-zk',
    alertKey: 'quorum-lost',
    alertName: 'quorum-lost',
    level: 'alarm',
    change: 'fired',
    summary: 'quorum lost: 1 of 3 servers serving (needs 2)',
    since: '2024-05-01T10:00:00.000Z',
    at: '2024-05-01T10:00:00.000Z',
    roundId: 'r-1',
    signals: [],
    notify: true,
    ...over,
  };
}

export function evaluation(transitions: Transition[], ensembleName = 'prod-zk'): Evaluation {
  return { ensembleName, roundId: 'r-1', evaluatedAt: '2024-05-01T10:00:00.000Z', transitions: transitions.map((t) => ({ ...t, ensembleName })) };
}

/** A warning with driving signals, an alarm on a server and a resolution: every part a renderer shows. */
export function sampleMessage(ensembleName = 'prod-zk', label = ''): AlertMessage {
  const msg = buildAlertMessage(
    evaluation(
      [
        transition({ alertKey: `server-down:zk1${label}`, alertName: 'server-down', server: `zk1${label}:2181`, summary: `server zk1${label}:2181 is down${label}` }),
        transition({
          alertKey: 'early-warning',
          alertName: 'early-warning',
          level: 'warning',
          summary: `latency rising on ${ensembleName}${label}`,
          probability: 0.87,
          signals: [{ signal: `avg_latency${label}`, server: `zk2${label}:2181`, value: 120.5, nu: 100, tau: 10, w: 0.88, p: 0.97, risk: 0.85, mode: 'p*w' }],
        }),
        transition({ alertKey: 'read-only', alertName: 'read-only', change: 'resolved', summary: `read-only mode ended${label}` }),
      ],
      ensembleName,
    ),
    { links: { dashboard: 'https://grafana.example.com/d/zk', runbook: 'https://wiki.example.com/zk-runbook' }, stage: 'prod' },
  );
  if (msg === undefined) throw new Error('fixture has notifiable transitions');
  return msg;
}
