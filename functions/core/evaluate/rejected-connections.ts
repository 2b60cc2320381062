/**
 * Clients turned away now (报警): `zk_connection_rejected` (3.6+) rose since the last round.
 * ZooKeeper counts a connection it closes at once because the client IP is at
 * `maxClientCnxns` (or the server cannot accept: fd exhaustion), so a rising counter means
 * some client is failing to connect right now. The alarm names the server and, when the
 * round has `cons`, the busiest client IP. A restart resets the counter; signals.ts skips
 * that interval, so it neither fires nor clears the alarm.
 */
import { canChange, type AlertCondition, type StoredKeys } from './alert-lifecycle.ts';
import { serverAlertKey } from './server-alert-key.ts';
import type { TurnedAway } from './signals.ts';

/** Given the stored alerts' keys, a server with nothing rejected and no alert to clear gets no condition (canChange). */
export function rejectedConnections(turnedAway: readonly TurnedAway[], stored?: StoredKeys): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  for (const t of turnedAway) {
    const alertKey = serverAlertKey('clients-rejected', t.server);
    const raised = t.rejected > 0;
    if (!canChange(stored, alertKey, raised ? 'raise' : 'clear')) continue;
    const busiest = t.busiest ? `; busiest client ${t.busiest.ip} with ${t.busiest.count} connections` : '';
    conditions.push({
      alertKey,
      alertName: 'clients-rejected',
      level: 'alarm',
      server: t.server,
      state: raised ? 'raise' : 'clear',
      summary: raised
        ? `server ${t.server} turned away ${t.rejected} client connection${t.rejected === 1 ? '' : 's'} since the last round (zk_connection_rejected +${t.rejected})${busiest}`
        : `server ${t.server} accepts clients again (zk_connection_rejected unchanged)`,
      forRounds: 1,
      signals: [],
    });
  }
  return conditions;
}
