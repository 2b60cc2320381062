/**
 * The key of a per-server alert, `<alert name>:<server>`, made once per pair and then
 * reused. Every round builds about seven per server and looks each up in the stored alerts
 * and in a set; a freshly built key is flattened and hashed every round, a reused one keeps
 * its hash (measured: 5–10 % of an evaluation). The memo holds what the process has seen;
 * past MAX_SERVERS servers (a fleet far beyond one evaluator's) it starts over.
 */
const MAX_SERVERS = 20_000;
const KEYS = new Map<string, Map<string, string>>();

export function serverAlertKey(alertName: string, server: string): string {
  let byName = KEYS.get(server);
  if (byName === undefined) {
    if (KEYS.size >= MAX_SERVERS) KEYS.clear();
    byName = new Map();
    KEYS.set(server, byName);
  }
  let key = byName.get(alertName);
  if (key === undefined) {
    key = `${alertName}:${server}`;
    byName.set(alertName, key);
  }
  return key;
}
