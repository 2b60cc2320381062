/**
 * Stored rounds outlive the code that wrote them (the table keeps 14 days, exports keep
 * them as long as anyone likes), so readers accept every version since 1 and bring it up
 * to the current `ProbeRound`.
 *
 * - 1 → 2: version 2 added `znodes` (znode rule results), optional; a version 1 round is a
 *   version 2 round without znode rules.
 * - 2 → 3: version 3 added per-server `clients` (`cons` by client IP), `blindSpots` and
 *   `refusedExchanges`, all optional. An older round asked no `cons` and recorded no
 *   single-word failures, so it upgrades without them: "not known", not "none happened".
 */
import { PROBE_ROUND_VERSION, type ProbeRound } from './probe-round.ts';

export const OLDEST_READABLE_ROUND_VERSION = 1;

export class RoundVersionError extends Error {
  override name = 'RoundVersionError';
}

export function isReadableRoundVersion(version: unknown): version is number {
  return typeof version === 'number' && Number.isInteger(version) && version >= OLDEST_READABLE_ROUND_VERSION && version <= PROBE_ROUND_VERSION;
}

/** `round` as the current version; `where` names the item or line in the error. */
export function upgradeProbeRound(round: Record<string, unknown>, where: string): ProbeRound {
  const version = round.version;
  if (!isReadableRoundVersion(version)) {
    throw new RoundVersionError(`${where}: round version ${JSON.stringify(version)}, this code reads versions ${OLDEST_READABLE_ROUND_VERSION} to ${PROBE_ROUND_VERSION}`);
  }
  return { ...(round as unknown as ProbeRound), version: PROBE_ROUND_VERSION };
}
