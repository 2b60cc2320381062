import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROBE_ROUND_VERSION } from '../../functions/contract/probe-round.ts';
import { RoundVersionError, upgradeProbeRound } from '../../functions/contract/read-probe-round.ts';

/** A version 1 round recorded from a real 3.8.0 ensemble. */
const recorded = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'rounds', 'fault-script.jsonl'), 'utf8').split('\n')[0] as string).round as Record<string, unknown>;

describe('upgradeProbeRound', () => {
  it('the current version is 3', () => {
    expect(PROBE_ROUND_VERSION).toBe(3);
  });

  it.each([1, 2])('a version %i round becomes version 3 without clients, blind spots or refused exchanges (they were not recorded)', (version) => {
    const upgraded = upgradeProbeRound({ ...recorded, version }, 'line 1');
    expect(upgraded.version).toBe(3);
    expect(upgraded.servers.length).toBe((recorded.servers as unknown[]).length);
    for (const server of upgraded.servers) {
      expect(server.clients).toBeUndefined();
      expect(server.blindSpots).toBeUndefined();
      expect(server.refusedExchanges).toBeUndefined();
    }
    expect({ ...upgraded, version }).toEqual({ ...recorded, version });
  });

  it('a version 3 round keeps its new fields', () => {
    const servers = (recorded.servers as Record<string, unknown>[]).map((s) => ({
      ...s,
      clients: { total: 3, ips: 2, top: [{ ip: '127.0.0.2', count: 2 }, { ip: '127.0.0.1', count: 1 }] },
      blindSpots: [{ word: 'mntr', reason: 'not-whitelisted', message: 'mntr is not executed because it is not in the whitelist.' }],
      refusedExchanges: [{ word: 'cons', kind: 'connection-reset' }],
    }));
    const upgraded = upgradeProbeRound({ ...recorded, version: 3, servers }, 'line 1');
    expect(upgraded.servers[0]).toMatchObject({ clients: { total: 3 }, blindSpots: [{ word: 'mntr' }], refusedExchanges: [{ word: 'cons' }] });
  });

  it('a round from newer code is refused, naming where and which versions are read', () => {
    expect(() => upgradeProbeRound({ ...recorded, version: 4 }, 'line 7')).toThrow(new RoundVersionError('line 7: round version 4, this code reads versions 1 to 3'));
  });
});
