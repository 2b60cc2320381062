/** A ZooKeeper server as configured: where its client port and (optionally) AdminServer are. */
export interface ServerAddress {
  host: string;
  port: number;
  /** AdminServer port, for words outside the whitelist or by choice. */
  adminPort?: number;
}

export class AddressError extends Error {
  override name = 'AddressError';
}

/** `host:port`, `host` (port 2181) or `[v6]:port`, as in a ZooKeeper connect string. */
export function parseServerAddress(text: string, defaults: { port?: number; adminPort?: number } = {}): ServerAddress {
  const raw = text.trim();
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))(?::(\d+))?$/.exec(raw);
  if (!match) throw new AddressError(`"${text}" is not host:port (IPv6 as [addr]:port)`);
  const host = match[1] ?? match[2] ?? '';
  const port = match[3] === undefined ? (defaults.port ?? 2181) : Number(match[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AddressError(`"${text}": port must be 1-65535`);
  const address: ServerAddress = { host, port };
  if (defaults.adminPort !== undefined) address.adminPort = defaults.adminPort;
  return address;
}

/** A comma-separated list, each entry checked; the error names the entry that is wrong. */
export function parseServerList(text: string, defaults: { port?: number; adminPort?: number } = {}): ServerAddress[] {
  const entries = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (entries.length === 0) throw new AddressError('no servers given (expected host:port[,host:port...])');
  return entries.map((entry, i) => {
    try {
      return parseServerAddress(entry, defaults);
    } catch (err) {
      throw new AddressError(`server ${i + 1} of ${entries.length}: ${(err as Error).message}`);
    }
  });
}

export function formatAddress(a: Pick<ServerAddress, 'host' | 'port'>): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
