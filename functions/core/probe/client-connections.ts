/**
 * `cons` grouped by client IP. `maxClientCnxns` limits connections per client IP, so the
 * number that matters is the busiest IP's count, not the server's total.
 */
import { parseCons, type Parsed } from './four-letter-words.ts';
import type { ClientConnections } from './probe-round.ts';

/** Busiest IPs kept per server: enough to name the leak, small enough for the round item. */
export const TOP_CLIENT_IPS = 5;

/**
 * The client IP of a `cons` address, as Java prints `InetSocketAddress`: `/10.0.0.5:41234`,
 * `host.example/10.0.0.5:41234` (a resolved name before the slash), `/[0:0:0:0:0:0:0:1]:41234`
 * (Java 14+), `/0:0:0:0:0:0:0:1:41234` (older Java: the last colon splits off the port).
 * Undefined when it is none of those.
 */
export function clientIp(address: string): string | undefined {
  const literal = address.slice(address.lastIndexOf('/') + 1);
  if (literal.startsWith('[')) {
    const close = literal.indexOf(']');
    return close > 1 ? literal.slice(1, close) : undefined;
  }
  const colon = literal.lastIndexOf(':');
  if (colon <= 0) return undefined;
  return literal.slice(0, colon);
}

/**
 * Connections per client IP from `cons` reply text. `truncated` says the probe cut the
 * reply at its byte cap: a partial last line is dropped by the parser and every count is
 * then a lower bound. A refusal or a reply with no connection lines gives the parse result.
 */
export function groupClientConnections(text: string, truncated = false): Parsed<ClientConnections> {
  const parsed = parseCons(text);
  if (parsed.kind !== 'ok') return parsed;
  const perIp = new Map<string, number>();
  for (const connection of parsed.value) {
    const ip = clientIp(connection.address);
    if (ip !== undefined) perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
  }
  const top = [...perIp]
    // Ties in code-unit order, not the locale's, so every runtime ranks the same IPs the same way.
    .sort(([ipA, a], [ipB, b]) => b - a || (ipA < ipB ? -1 : ipA > ipB ? 1 : 0))
    .slice(0, TOP_CLIENT_IPS)
    .map(([ip, count]) => ({ ip, count }));
  const clients: ClientConnections = { total: parsed.value.length, ips: perIp.size, top };
  if (truncated) clients.truncated = true;
  return { kind: 'ok', value: clients };
}
