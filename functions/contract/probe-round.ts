/**
 * `ProbeRound`: what one probe of one ensemble saw. It is stored (DynamoDB round items,
 * JSON Lines exports) and consumed by the evaluator, so it is versioned: a reader checks
 * `version`, a change bumps it, and `read-probe-round.ts` upgrades older rounds.
 * History: 1 the first; 2 added `znodes`; 3 added per-server `clients`, `blindSpots` and
 * `refusedExchanges`.
 */
export const PROBE_ROUND_VERSION = 3 as const;

/** Four-letter words the probe knows how to ask and parse. */
export const FourLetterWords = ['ruok', 'srvr', 'stat', 'mntr', 'conf', 'isro', 'envi', 'wchs', 'cons'] as const;
export type FourLetterWord = (typeof FourLetterWords)[number];

/**
 * How a server was classified this round. The first five are answers from a serving or
 * consciously non-serving server; the rest say why no usable answer came.
 */
export const ServerModes = [
  'leader',
  'follower',
  'observer',
  'standalone',
  'read-only',
  'not-serving',
  'unreachable',
  'timeout',
  'not-whitelisted',
  'malformed',
  /** The checker itself failed (out of file descriptors, buffers, local ports): nothing is known about the server. */
  'unprobed',
] as const;
export type ServerMode = (typeof ServerModes)[number];

/** Modes in which a server answers client requests. */
export const SERVING_MODES: readonly ServerMode[] = ['leader', 'follower', 'observer', 'standalone', 'read-only'];

/** Why one exchange with a server failed; `kind` is stable and meant for machines. */
export const ProbeErrorKinds = [
  'connection-refused',
  'connect-timeout',
  'reply-timeout',
  'connection-reset',
  /** Accepted, then closed without a byte: a server tearing down its client connections. */
  'no-reply',
  'reply-too-large',
  'not-serving',
  'not-whitelisted',
  'malformed',
  'tls-failed',
  'admin-error',
  'network-error',
  /** A local resource failure in the checker (EMFILE, ENOBUFS, EADDRNOTAVAIL, …): a fault of zk-lookout, not of the server. */
  'checker-fault',
] as const;
export type ProbeErrorKind = (typeof ProbeErrorKinds)[number];

export interface ProbeError {
  kind: ProbeErrorKind;
  message: string;
  /** The word (or AdminServer command) whose exchange failed. */
  source?: string;
}

/** Latency triple as ZooKeeper reports it (ms; integers before 3.5, floats after). */
export interface Latency {
  min: number;
  avg: number;
  max: number;
}

/** The parts of `srvr`/`stat` the rest of the pipeline uses. */
export interface ServerSummary {
  version?: string;
  latency?: Latency;
  received?: number;
  sent?: number;
  connections?: number;
  outstanding?: number;
  /** Hex string `0x…`: a zxid is 64 bits and does not fit a JSON number. */
  zxid?: string;
  mode?: string;
  nodeCount?: number;
}

export type MetricValue = number | string;

/** What `cons` said about a server's client connections, grouped by client IP. */
export interface ClientConnections {
  /** Connections `cons` listed (the probe's own included). */
  total: number;
  /** Distinct client IPs. */
  ips: number;
  /** Busiest client IPs, most connections first, at most 5. */
  top: { ip: string; count: number }[];
  /** The reply hit the byte cap: counts are lower bounds. */
  truncated?: boolean;
}

/** Why a word gave no data this round although the server answered other exchanges. */
export const BlindSpotReasons = ['not-whitelisted', 'timeout', 'refused', 'error'] as const;
export type BlindSpotReason = (typeof BlindSpotReasons)[number];

/** A word (or AdminServer command) whose data is missing this round, and the server's own words for why. */
export interface BlindSpot {
  /** A four-letter word or `admin:<command>`. */
  word: string;
  reason: BlindSpotReason;
  /** The server's own text (capped). */
  message: string;
}

/** One of the probe's own exchanges that the server turned away while it answered others. */
export interface RefusedExchange {
  word: string;
  kind: ProbeErrorKind;
}

export interface ServerResult {
  /** `host:port` of the client port, as configured. */
  address: string;
  mode: ServerMode;
  /** Present whenever `mode` is not a serving mode; the first failure that decided it. */
  error?: ProbeError;
  /** `ruok` answered `imok` (which proves only that the process is alive). */
  alive: boolean;
  /** Where the metrics came from this round. */
  source: 'four-letter-words' | 'admin-server' | 'none';
  summary: ServerSummary;
  /** `mntr` (or AdminServer `monitor`, renamed to `zk_…`); unknown keys kept as they are. */
  metrics: Record<string, MetricValue>;
  /** `conf` key/values when asked; `maxClientCnxns` lives here. */
  conf?: Record<string, string>;
  /** `cons` grouped by client IP (absent when `cons` was not asked or gave nothing usable). */
  clients?: ClientConnections;
  /** Words that gave no data this round while the server answered others (absent when none). */
  blindSpots?: BlindSpot[];
  /**
   * The probe's own exchanges reset, refused or closed without a reply while other exchanges
   * with the same server answered: the server is turning clients away (absent when none).
   */
  refusedExchanges?: RefusedExchange[];
  /** Epoch (high 32 bits of the zxid) and counter (low 32 bits). */
  epoch?: number;
  zxidCounter?: number;
  durationMs: number;
  /** Per word or admin command, milliseconds to a reply or to the failure. */
  timings: Record<string, number>;
}

export interface EnsembleView {
  /** Servers configured for the ensemble (the probe's list). */
  size: number;
  /** Voters needed for a majority: ⌊voters/2⌋+1. */
  quorumSize: number;
  /** Servers answering client requests (any serving mode). */
  serving: number;
  leaderCount: number;
  /** Addresses of the servers that said `Mode: leader`. */
  leaders: string[];
  hasQuorum: boolean;
  standalone: boolean;
  /** From the leader's mntr, when exactly one leader answered. */
  syncedFollowers?: number;
  learners?: number;
  pendingSyncs?: number;
  /** Highest zxid seen (hex) and how far the furthest-behind serving server of its epoch lags it, in transactions. */
  maxZxid?: string;
  zxidSpread?: number;
  /** Serving servers still reporting a zxid of an older epoch (rejoining or syncing). */
  staleEpochServers?: number;
  epoch?: number;
  zxidCounter?: number;
}

export const CanaryErrorKinds = [
  'connect-timeout',
  'connection-loss',
  'operation-timeout',
  'no-quorum',
  'auth-failed',
  'session-expired',
  'no-node',
  'client-error',
  /** The checker's own resources failed (the client process could not start: EMFILE, ENOMEM…). */
  'checker-fault',
] as const;
export type CanaryErrorKind = (typeof CanaryErrorKinds)[number];

export const CanarySteps = ['connect', 'auth', 'create', 'set', 'get', 'watch', 'delete', 'close'] as const;
export type CanaryStep = (typeof CanarySteps)[number];

export interface CanaryResult {
  ok: boolean;
  /** Milliseconds per completed step. */
  steps: Partial<Record<CanaryStep, number>>;
  totalMs: number;
  /** Path of the ephemeral znode used this round. */
  path?: string;
  error?: { kind: CanaryErrorKind; step: CanaryStep; message: string };
}

/** A znode's data as recorded: enough to notice and describe a change, not its content. */
export interface ZnodeDataDigest {
  version: number;
  mtime: string;
  /** The transaction that last modified it. ZooKeeper's Stat does not name the modifying session. */
  mzxid: string;
  size: number;
  sha256: string;
  /** JSON objects: a short hash per top-level key, so a change can name its keys but not their values. */
  keyHashes?: Record<string, string>;
  /** Only for rules with `content: true`, capped. */
  content?: string;
}

/** One znode rule's result this round (see `znode-rules.ts`). */
export interface ZnodeCheckResult {
  /** The rule's id: its name, or `<check>:<path>`. */
  rule: string;
  check: string;
  path: string;
  /** `violated`: the rule does not hold; `error`: it could not be checked this round. */
  status: 'ok' | 'violated' | 'error';
  detail: string;
  error?: { kind: string; message: string };
  exists?: boolean;
  childCount?: number;
  /** Sorted, capped child names (the count above is exact). */
  children?: string[];
  /** Elections: the lowest sequence child, its owning session and when it was created. */
  holder?: { node: string; since: string; ephemeralOwner?: string };
  data?: ZnodeDataDigest;
  ephemeralOwner?: string;
  openAcls?: { path: string; perms: string[] }[];
  openCount?: number;
  pathsChecked?: number;
  truncated?: boolean;
  /** Reads this rule cost. */
  reads: number;
}

export interface ProbeRound {
  version: typeof PROBE_ROUND_VERSION;
  ensembleName: string;
  /** Unique per round; a redelivered round carries the same id. */
  roundId: string;
  startedAt: string;
  durationMs: number;
  /** The per-server deadline this round was probed with. */
  timeoutMs: number;
  servers: ServerResult[];
  ensemble: EnsembleView;
  /** `null` when the canary was not asked for. */
  canary: CanaryResult | null;
  /** Znode rules checked in the canary session (absent when none are configured). */
  znodes?: ZnodeCheckResult[];
  /** Set when the round was cut to fit its stored item (`round-budget.ts`): long text, then detail, then all but the verdicts. */
  trimmed?: 'strings' | 'detail' | 'verdicts-only';
}

export function isServing(mode: ServerMode): boolean {
  return SERVING_MODES.includes(mode);
}
