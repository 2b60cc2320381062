/**
 * The options of every command that probes an ensemble (`probe`, `check`): one set, one
 * help text, read into the `ProbeTarget` that `probeOptionsFor` turns into the prober's
 * arguments, as it does for the Lambda and local mode.
 */
import { readFileSync } from 'node:fs';
import { FourLetterWords, type FourLetterWord } from '../functions/contract/probe-round.ts';
import { AddressError, parseServerList, type ServerAddress } from '../functions/contract/server-address.ts';
import { DEFAULT_CANARY_ROOT } from '../functions/adapters/zookeeper/canary-session.ts';
import { DEFAULT_TIMEOUT_MS, DEFAULT_WORDS } from '../functions/adapters/zookeeper/probe-ensemble.ts';
import type { AdminMode, ProbeTarget } from '../functions/app/probe-options.ts';
import { intOption, UsageError } from './usage-error.ts';

export const PROBE_TARGET_OPTIONS = {
  servers: { type: 'string' },
  'admin-port': { type: 'string' },
  admin: { type: 'string' },
  canary: { type: 'boolean', default: false },
  'canary-root': { type: 'string' },
  'timeout-ms': { type: 'string' },
  words: { type: 'string' },
  tls: { type: 'boolean', default: false },
  'tls-ca': { type: 'string' },
  'digest-file': { type: 'string' },
  name: { type: 'string', default: 'default' },
} as const;

export const PROBE_TARGET_HELP = `  --servers LIST       client ports, comma-separated: host:port (IPv6 as [addr]:port); required
  --admin-port N[,N]   AdminServer port, one for all servers or one per server in order
  --admin MODE         when to ask the AdminServer: fallback (words refused by the
                       whitelist; default), always, never
  --canary             also run a canary session (create/get/watch/set/delete an ephemeral znode)
  --canary-root PATH   parent znode for the canary (default ${DEFAULT_CANARY_ROOT})
  --timeout-ms N       deadline per server and for the canary (default ${DEFAULT_TIMEOUT_MS})
  --words LIST         four-letter words to ask (default ${DEFAULT_WORDS.join(',')})
  --tls                four-letter words over TLS (secure client port; system CAs trusted)
  --tls-ca FILE        PEM file of the CA that signed the servers' certificates (implies --tls)
  --digest-file FILE   digest credentials "user:password" for the canary (a file, so they
                       stay out of the process list and shell history)
  --name NAME          ensemble name (default "default")`;

export interface ProbeTargetValues {
  servers?: string;
  'admin-port'?: string;
  admin?: string;
  canary?: boolean;
  'canary-root'?: string;
  'timeout-ms'?: string;
  words?: string;
  tls?: boolean;
  'tls-ca'?: string;
  'digest-file'?: string;
  name?: string;
}

/** The ensemble the values name; a UsageError names the option that is wrong. */
export function probeTargetFrom(command: string, values: ProbeTargetValues): ProbeTarget {
  if (!values.servers) throw new UsageError(`${command} needs --servers host:port[,host:port...] (see zk-lookout ${command} --help)`);
  const target: ProbeTarget = {
    name: values.name ?? 'default',
    servers: withAdminPorts(parseServers(values.servers), values['admin-port']),
    timeoutMs: intOption('timeout-ms', values['timeout-ms'], DEFAULT_TIMEOUT_MS, 10, 600_000),
    tls: values['tls-ca'] ? { ca: readOptionFile('tls-ca', values['tls-ca']) } : values.tls === true || values['tls-ca'] !== undefined,
  };
  const words = parseWords(values.words);
  if (words) target.words = words;
  const admin = parseAdminMode(values.admin);
  if (admin) target.admin = admin;
  if (values.canary) target.canary = { root: values['canary-root'], digest: digestFrom(values['digest-file']) };
  return target;
}

function readOptionFile(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--${option}: cannot read ${path}: ${(err as Error).message}`);
  }
}

function digestFrom(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const credentials = readOptionFile('digest-file', path).trim();
  if (!/^[^:\s]+:\S+$/.test(credentials)) throw new UsageError(`--digest-file: ${path} must hold one line "user:password"`);
  return credentials;
}

function parseServers(text: string): ServerAddress[] {
  try {
    return parseServerList(text);
  } catch (err) {
    if (err instanceof AddressError) throw new UsageError(`--servers: ${err.message}`);
    throw err;
  }
}

function withAdminPorts(servers: ServerAddress[], raw: string | undefined): ServerAddress[] {
  if (raw === undefined) return servers;
  const ports = raw.split(',').map((p, i) => intOption(`admin-port (entry ${i + 1})`, p.trim(), 0, 1, 65535));
  if (ports.length !== 1 && ports.length !== servers.length) {
    throw new UsageError(`--admin-port: give one port for all servers or one per server (${servers.length}), got ${ports.length}`);
  }
  return servers.map((s, i) => ({ ...s, adminPort: ports.length === 1 ? ports[0] : ports[i] }));
}

function parseWords(raw: string | undefined): FourLetterWord[] | undefined {
  if (raw === undefined) return undefined;
  const words = raw.split(',').map((w) => w.trim());
  const unknown = words.filter((w) => !(FourLetterWords as readonly string[]).includes(w));
  if (unknown.length > 0) throw new UsageError(`--words: unknown word(s) ${unknown.join(', ')}; known: ${FourLetterWords.join(', ')}`);
  return words as FourLetterWord[];
}

function parseAdminMode(raw: string | undefined): AdminMode | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'fallback' || raw === 'always' || raw === 'never') return raw;
  throw new UsageError(`--admin must be fallback, always or never, got "${raw}"`);
}
