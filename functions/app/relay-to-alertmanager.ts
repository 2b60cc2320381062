/**
 * One alert message to Alertmanager, what the Alertmanager relay Lambda does per SNS
 * record: fired alerts and reminders become alerts firing until a horizon, resolutions
 * end theirs. A repeated post is harmless: Alertmanager merges alerts with the same labels.
 */
import type { AlertMessage } from '../contract/alert-message.ts';
import { alertsFromMessage, type PostableAlert } from '../core/deliver/alertmanager-alerts.ts';

/** Posts alerts (and ends the ones they supersede); throws when Alertmanager does not accept them. */
export interface AlertmanagerSender {
  send(alerts: readonly PostableAlert[], deadlineMs: number): Promise<{ posted: number; superseded: number }>;
}

/** `endsAfterMs`: how long a firing alert stays firing there without a newer message. */
export function relayToAlertmanager(message: AlertMessage, endsAfterMs: number, deadlineMs: number, sender: AlertmanagerSender): Promise<{ posted: number; superseded: number }> {
  return sender.send(alertsFromMessage(message, endsAfterMs), deadlineMs);
}
