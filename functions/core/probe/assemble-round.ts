import { classifyServer, type ServerObservation } from './classify-server.ts';
import { groupAdminConnections, groupClientConnections } from './client-connections.ts';
import { buildEnsembleView } from './ensemble-view.ts';
import { PROBE_ROUND_VERSION, type CanaryResult, type ProbeRound, type ServerResult, type ZnodeCheckResult } from '../../contract/probe-round.ts';
import { wordFailures } from './word-failures.ts';

export interface RoundParts {
  ensembleName: string;
  roundId: string;
  startedAt: string;
  durationMs: number;
  timeoutMs: number;
  observations: readonly ServerObservation[];
  canary: CanaryResult | null;
  znodes?: ZnodeCheckResult[];
}

/** Turns what the probe heard into a `ProbeRound`: classify each server, then view the whole. */
export function assembleRound(parts: RoundParts): ProbeRound {
  const servers = parts.observations.map(serverResult);
  const ensemble = buildEnsembleView(servers);
  return {
    version: PROBE_ROUND_VERSION,
    ensembleName: parts.ensembleName,
    roundId: parts.roundId,
    startedAt: parts.startedAt,
    durationMs: parts.durationMs,
    timeoutMs: parts.timeoutMs,
    servers,
    ensemble,
    canary: parts.canary && nameNoQuorum(parts.canary, servers.some((s) => s.mode === 'not-serving'), ensemble.hasQuorum),
    ...(parts.znodes ? { znodes: parts.znodes } : {}),
  };
}

/** One server's classification plus what `cons` and the single failed words say. */
function serverResult(obs: ServerObservation): ServerResult {
  const result = classifyServer(obs);
  const cons = obs.words.cons;
  if (cons?.ok) {
    const clients = groupClientConnections(cons.text, cons.truncated === true);
    if (clients.kind === 'ok') result.clients = clients.value;
  }
  const connections = obs.admin?.connections;
  if (!result.clients && connections?.ok && connections.status === 200) {
    const clients = groupAdminConnections(connections.text, connections.truncated === true);
    if (clients) result.clients = clients;
  }
  // The AdminServer's `configuration` in place of a refused `conf`: the one key the signals read.
  const limit = obs.admin?.configuration;
  const maxClientCnxns = limit?.ok ? limit.json?.max_client_cnxns : undefined;
  if (!result.conf && typeof maxClientCnxns === 'number' && Number.isFinite(maxClientCnxns)) result.conf = { maxClientCnxns: String(maxClientCnxns) };
  return { ...result, ...wordFailures(obs) };
}

/**
 * The native client cannot tell "nobody there" from "somebody there who will not serve":
 * both look like a connect that never completes. The servers' own answers can.
 */
function nameNoQuorum(canary: CanaryResult, someoneRefuses: boolean, hasQuorum: boolean): CanaryResult {
  const failedToConnect = canary.error && ['connect-timeout', 'connection-loss', 'operation-timeout'].includes(canary.error.kind);
  if (!failedToConnect || hasQuorum || !someoneRefuses || !canary.error) return canary;
  return {
    ...canary,
    error: { ...canary.error, kind: 'no-quorum', message: `${canary.error.message} (servers answer but none serves: no quorum)` },
  };
}
