/**
 * One probe round: every server at once, each word on its own connection under the
 * server's deadline, the AdminServer where the whitelist refuses a word, and the canary
 * alongside. The round's duration is bounded by max(server deadline, canary deadline).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { assembleRound } from '../../core/probe/assemble-round.ts';
import type { AdminCommand, AdminExchange, Exchange, ServerObservation } from '../../core/probe/classify-server.ts';
import type { FourLetterWord, ProbeRound } from '../../contract/probe-round.ts';
import { formatAddress, type ServerAddress } from '../../contract/server-address.ts';
import { askAdmin } from './admin-client.ts';
import { runCanary, type CanaryOptions } from './canary-session.ts';
import { askWord } from './four-letter-client.ts';

/**
 * Asked every round: `conf` carries maxClientCnxns, the per-client-IP limit, and `cons`
 * lists the connections per client IP that it limits.
 *
 * `cons` is asked every round rather than only once the total passes a fraction of the
 * limit: a per-IP forecast fits a line over hours of history, and a series that starts at
 * the threshold has no slope yet when the leak is already half way; a total over a
 * fraction also says nothing per IP (45 clients on 45 hosts, or 45 from one). Its cost is
 * one more short exchange per server, its size capped by CONS_MAX_BYTES.
 */
export const DEFAULT_WORDS: readonly FourLetterWord[] = ['ruok', 'srvr', 'mntr', 'isro', 'conf', 'cons'];
export const DEFAULT_TIMEOUT_MS = 3000;
/**
 * `cons` prints ~150–250 bytes per connection (3.8), so 256 KiB holds about a thousand: a
 * bigger server's list is cut there and its counts become lower bounds (`truncated`).
 */
export const CONS_MAX_BYTES = 256 * 1024;

export type AdminMode = 'fallback' | 'always' | 'never';

export interface ProbeOptions {
  ensembleName?: string;
  /** Deadline per server (all its words and any AdminServer fallback). @default 3000 */
  timeoutMs?: number;
  /** @default DEFAULT_WORDS */
  words?: readonly FourLetterWord[];
  /** When to ask the AdminServer (servers need `adminPort`). @default 'fallback' */
  admin?: AdminMode;
  /** Four-letter words over TLS (a secure client port). */
  tls?: boolean;
  /** CA, client certificate or servername for TLS; the system CAs are trusted by default. */
  tlsOptions?: ConnectionOptions;
  /** Run the canary session (and the znode rules in it); absent skips both. */
  canary?: Omit<CanaryOptions, 'connectString' | 'name' | 'timeoutMs'> & {
    timeoutMs?: number;
    /**
     * Where the session connects, `host:port,…`. The native client speaks no TLS, so when
     * the words go to secure ports the canary needs the plain client ports here.
     * @default the probed servers
     */
    connectString?: string;
  };
  /** Stable id for this round (a retried invocation reuses it). @default a random UUID */
  roundId?: string;
  maxReplyBytes?: number;
  /**
   * Local address the probe connects from (a multi-homed host): the client IP the servers
   * see, which `maxClientCnxns` counts. @default the kernel's choice
   */
  localAddress?: string;
  /** Byte cap of the `cons` reply, which is cut there rather than failed. @default CONS_MAX_BYTES */
  consMaxBytes?: number;
}

export async function probeEnsemble(servers: readonly ServerAddress[], options: ProbeOptions = {}): Promise<ProbeRound> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const roundId = options.roundId ?? randomUUID();
  const startedAt = new Date();
  const t0 = performance.now();
  const session = options.canary
    ? runCanary({
        ...options.canary,
        connectString: options.canary.connectString ?? servers.map(formatAddress).join(','),
        // A random nonce: a name derived only from the round could be predicted and taken or locked in advance.
        name: `round-${roundId}-${randomBytes(8).toString('hex')}`,
        timeoutMs: options.canary.timeoutMs ?? timeoutMs,
      })
    : Promise.resolve(null);
  const [observations, outcome] = await Promise.all([
    Promise.all(servers.map((server) => observeServer(server, timeoutMs, options))),
    session,
  ]);
  return assembleRound({
    ensembleName: options.ensembleName ?? 'default',
    roundId,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    timeoutMs,
    observations,
    canary: outcome?.canary ?? null,
    ...(outcome && outcome.znodes.length > 0 ? { znodes: outcome.znodes } : {}),
  });
}

/** Everything one server says within its deadline. Exported for the sequential baseline in bench/. */
export async function observeServer(server: ServerAddress, timeoutMs: number, options: ProbeOptions = {}): Promise<ServerObservation> {
  const started = performance.now();
  const remaining = () => Math.max(1, timeoutMs - (performance.now() - started));
  const words = options.words ?? DEFAULT_WORDS;
  const adminMode: AdminMode = server.adminPort === undefined ? 'never' : (options.admin ?? 'fallback');
  const ask = (word: FourLetterWord) =>
    askWord({
      host: server.host,
      port: server.port,
      word,
      timeoutMs,
      tls: options.tls && (options.tlsOptions ?? true),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      ...(word === 'cons'
        ? { maxBytes: options.consMaxBytes ?? CONS_MAX_BYTES, overflow: 'truncate' as const }
        : { maxBytes: options.maxReplyBytes }),
    });

  const [replies, adminFirst] = await Promise.all([
    Promise.all(words.map(async (word) => [word, await ask(word)] as const)),
    adminMode === 'always' ? askAdminSet(server, timeoutMs, options, [...BASE_ADMIN, ...Object.values(ADMIN_STAND_IN)]) : Promise.resolve(undefined),
  ]);
  const observed: Partial<Record<FourLetterWord, Exchange>> = Object.fromEntries(replies);
  let admin = adminFirst;
  const refused = replies.filter(([, reply]) => refusedByWhitelist(reply)).map(([word]) => word);
  if (admin === undefined && adminMode === 'fallback' && refused.length > 0) {
    const standIns = refused.flatMap((word) => (ADMIN_STAND_IN[word] ? [ADMIN_STAND_IN[word]] : []));
    admin = await askAdminSet(server, remaining(), options, [...BASE_ADMIN, ...standIns]);
  }
  const observation: ServerObservation = {
    address: formatAddress(server),
    words: observed,
    durationMs: Math.round(performance.now() - started),
  };
  if (admin) observation.admin = admin;
  return observation;
}

function refusedByWhitelist(reply: Exchange): boolean {
  return reply.ok && /is not executed because it is not in the whitelist/i.test(reply.text);
}

/** Asked whenever the AdminServer is: the metrics and the server's state. */
const BASE_ADMIN: readonly AdminCommand[] = ['monitor', 'leader', 'ruok'];
/** Asked only in place of a refused word (and always in `admin: 'always'`). */
const ADMIN_STAND_IN: Partial<Record<FourLetterWord, AdminCommand>> = { conf: 'configuration', cons: 'connections' };

async function askAdminSet(
  server: ServerAddress,
  timeoutMs: number,
  options: ProbeOptions,
  commands: readonly AdminCommand[],
): Promise<Partial<Record<AdminCommand, AdminExchange>>> {
  const replies = await Promise.all(
    commands.map(async (command) => {
      const reply = await askAdmin({
        host: server.host,
        port: server.adminPort as number,
        command,
        timeoutMs,
        // The connection list is ~450 bytes per connection: cut it like cons, at the same cap.
        ...(command === 'connections'
          ? { maxBytes: options.consMaxBytes ?? CONS_MAX_BYTES, overflow: 'truncate' as const }
          : { maxBytes: options.maxReplyBytes }),
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      });
      return [command, reply] as const;
    }),
  );
  return Object.fromEntries(replies);
}
