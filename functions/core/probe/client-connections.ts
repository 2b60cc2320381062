/**
 * `cons` grouped by client IP. `maxClientCnxns` limits connections per client IP, so the
 * number that matters is the busiest IP's count, not the server's total.
 */
import { parseCons, type Parsed } from './four-letter-words.ts';
import type { ClientConnections } from '../../contract/probe-round.ts';

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
  return { kind: 'ok', value: tally(parsed.value.map((c) => c.address), truncated) };
}

/** `"remote_socket_address" : "127.0.0.2:42263"` in the AdminServer's `connections` JSON. */
const ADMIN_REMOTE = /"remote_socket_address"\s*:\s*"([^"]*)"/g;

/**
 * Connections per client IP from the AdminServer's `connections` (the stand-in for a
 * refused `cons`). A reply cut at the byte cap is no longer JSON, so the addresses are read
 * by pattern: every complete one counts, and the counts are lower bounds. Undefined when the
 * body is not that command's reply.
 */
export function groupAdminConnections(text: string, truncated = false): ClientConnections | undefined {
  if (!truncated && !/"connections"\s*:/.test(text)) return undefined;
  const addresses = [...text.matchAll(ADMIN_REMOTE)].map((m) => m[1] as string);
  return tally(addresses, truncated);
}

function tally(addresses: readonly string[], truncated: boolean): ClientConnections {
  const perIp = new Map<string, number>();
  for (const address of addresses) {
    const ip = clientIp(address);
    if (ip !== undefined) perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
  }
  const top = [...perIp]
    // Ties in code-unit order, not the locale's, so every runtime ranks the same IPs the same way.
    .sort(([ipA, a], [ipB, b]) => b - a || (ipA < ipB ? -1 : ipA > ipB ? 1 : 0))
    .slice(0, TOP_CLIENT_IPS)
    .map(([ip, count]) => ({ ip, count }));
  const clients: ClientConnections = { total: addresses.length, ips: perIp.size, top };
  if (truncated) clients.truncated = true;
  return clients;
}
