/**
 * One ensemble as every shell that probes it describes it (the Scheduler's event on AWS,
 * the local config, the `probe`/`check` options), and the one translation of that into
 * what the prober is asked: which ports the four-letter words go to, whether over TLS,
 * and where the canary connects.
 */
import type { FourLetterWord } from '../contract/probe-round.ts';
import { formatAddress, type ServerAddress } from '../contract/server-address.ts';
import type { ZnodeRule } from '../contract/znode-rules.ts';

export interface ProbeTarget {
  name: string;
  /** Client port (and AdminServer port where configured) of every server. */
  servers: readonly ServerAddress[];
  /** A TLS client port on every server: the words go there instead, the canary keeps the client ports. */
  securePort?: number;
  /** The given ports speak TLS themselves (`ca`: the PEM of the CA that signed them; the system CAs otherwise). */
  tls?: boolean | { ca: string };
  /** Deadline per server and for the canary. */
  timeoutMs?: number;
  words?: readonly FourLetterWord[];
  admin?: AdminMode;
  /** Absent: no canary session (and no znode rules). */
  canary?: { root?: string; digest?: string; znodeRules?: readonly ZnodeRule[] };
}

export type AdminMode = 'fallback' | 'always' | 'never';

/** What the prober is asked for one round (its adapter's options, `roundId` apart). */
export interface ProbeRequest {
  ensembleName: string;
  timeoutMs?: number;
  words?: readonly FourLetterWord[];
  admin?: AdminMode;
  tls: boolean;
  tlsOptions?: { ca: string };
  canary?: { root?: string; digest?: string; znodeRules?: readonly ZnodeRule[]; connectString?: string };
  roundId?: string;
}

export interface ProbePlan {
  /** The addresses the words go to. */
  servers: readonly ServerAddress[];
  options: ProbeRequest;
}

export function probeOptionsFor(target: ProbeTarget): ProbePlan {
  const { securePort, tls, canary } = target;
  const options: ProbeRequest = { ensembleName: target.name, tls: securePort !== undefined || tls === true || typeof tls === 'object' };
  if (target.timeoutMs !== undefined) options.timeoutMs = target.timeoutMs;
  if (target.words) options.words = target.words;
  if (target.admin) options.admin = target.admin;
  if (typeof tls === 'object') options.tlsOptions = { ca: tls.ca };
  if (canary) {
    options.canary = { ...canary };
    // The native client speaks no TLS: with the words on the secure port, the session needs the plain client ports.
    if (securePort !== undefined) options.canary.connectString = target.servers.map(formatAddress).join(',');
  }
  const servers = securePort === undefined ? target.servers : target.servers.map((server) => ({ ...server, port: securePort }));
  return { servers, options };
}
