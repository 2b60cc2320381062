/** One message per severity a chat shows differently, and one too big for any chat. */
import { expect } from 'vitest';
import type { AlertMessage } from '../../../functions/contract/alert-message.ts';
import { buildAlertMessage } from '../../../functions/core/deliver/build-alert-message.ts';
import type { Transition } from '../../../functions/contract/transition.ts';
import { evaluation, sampleMessage, transition } from '../../support/alert-fixtures.ts';

const LINKS = { links: { dashboard: 'https://grafana.example.com/d/zk', runbook: 'https://wiki.example.com/zk-runbook' }, stage: 'prod' };

function message(transitions: Transition[]): AlertMessage {
  const msg = buildAlertMessage(evaluation(transitions), LINKS);
  if (msg === undefined) throw new Error('fixture has notifiable transitions');
  return msg;
}

/** An alarm on a server, with a warning and a resolution under it: every part a renderer shows. */
export const alarmMessage = (): AlertMessage => sampleMessage();

export const warningMessage = (): AlertMessage =>
  message([
    transition({
      alertKey: 'early-warning',
      alertName: 'early-warning',
      level: 'warning',
      summary: 'latency rising on prod-zk',
      probability: 0.87,
      signals: [{ signal: 'avg_latency', server: 'zk2:2181', value: 120.5, nu: 100, tau: 10, w: 0.88, p: 0.97, risk: 0.85, mode: 'p*w' }],
    }),
  ]);

export const resolvedMessage = (): AlertMessage => message([transition({ alertKey: 'server-down:zk1', alertName: 'server-down', server: 'zk1:2181', change: 'resolved', summary: 'server zk1:2181 is serving again' })]);

/** 300 alarms with long summaries: no chat takes them all, so the renderer keeps the first and counts the rest. */
export const oversizedMessage = (): AlertMessage =>
  message(Array.from({ length: 300 }, (_, i) => transition({ alertKey: `server-down:zk${i}`, alertName: 'server-down', server: `zk${i}:2181`, summary: `zk${i} down ${'x'.repeat(300)}` })));

/** What an oversized rendering must still say: the most important change, and that others were left out. */
export function expectTrimmed(text: string | undefined): void {
  expect(text).toContain('zk0:2181');
  expect(text).toMatch(/more changes? not shown/);
}
