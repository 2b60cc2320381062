import { describe, expect, it } from 'vitest';
import { checkAlarms } from '../../functions/core/evaluate/alarm-checks.ts';
import { blindSpotConditions } from '../../functions/core/evaluate/blind-spots.ts';
import { initialState } from '../../functions/contract/ensemble-state.ts';
import { extractSignals } from '../../functions/core/evaluate/signals.ts';
import { assembleRound } from '../../functions/core/probe/assemble-round.ts';
import type { Exchange, ServerObservation } from '../../functions/core/probe/classify-server.ts';
import { compactRound, STORED_CONF } from '../../functions/core/probe/compact-round.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { fixture } from '../support/fixtures.ts';

const text = (t: string): Exchange => ({ ok: true, text: t, ms: 1.25 });
const refused: Exchange = { ok: false, error: { kind: 'connection-refused', message: 'connect ECONNREFUSED 10.0.0.3:2181', source: 'ruok' }, ms: 1 };

function server(address: string, role: 'leader' | 'follower' | 'noquorum', version = 'zk-3.8.0'): ServerObservation {
  const f = (word: string) => text(fixture(version, `${role}.${word}.txt`));
  return { address, words: { ruok: text('imok'), srvr: f('srvr'), mntr: f('mntr'), isro: text('rw'), conf: f('conf') }, durationMs: 12 };
}

function round(observations: ServerObservation[]): ProbeRound {
  return assembleRound({
    ensembleName: 'prod',
    roundId: 'r1',
    startedAt: '2026-03-01T12:00:00.000Z',
    durationMs: 40,
    timeoutMs: 3000,
    observations,
    canary: { ok: true, steps: { connect: 5, create: 3, get: 1 }, totalMs: 9, path: '/zk-lookout/canary/round-r1' },
  });
}

const cases = {
  'a healthy 3.8 ensemble': round([server('10.0.0.1:2181', 'leader'), server('10.0.0.2:2181', 'follower'), server('10.0.0.3:2181', 'follower')]),
  'one server refusing connections': round([
    server('10.0.0.1:2181', 'leader'),
    server('10.0.0.2:2181', 'follower'),
    { address: '10.0.0.3:2181', words: { ruok: refused, srvr: refused, mntr: refused, isro: refused, conf: refused }, durationMs: 1 },
  ]),
  'an ensemble without quorum': round([server('10.0.0.1:2181', 'noquorum'), server('10.0.0.2:2181', 'noquorum'), server('10.0.0.3:2181', 'noquorum')]),
};

describe('compactRound', () => {
  it.each(Object.entries(cases))('leaves the signals and alarms of %s unchanged', (_name, full) => {
    const compact = compactRound(full);
    const at = Date.parse(full.startedAt);
    expect(extractSignals(compact, initialState('prod'), at)).toEqual(extractSignals(full, initialState('prod'), at));
    expect(checkAlarms(compact, { multiLeaderRounds: 1 })).toEqual(checkAlarms(full, { multiLeaderRounds: 1 }));
    expect(blindSpotConditions(compact)).toEqual(blindSpotConditions(full));
    expect(compact.ensemble).toEqual(full.ensemble);
  });

  it('drops what no signal reads and keeps the ProbeRound shape', () => {
    const full = cases['a healthy 3.8 ensemble'];
    const compact = compactRound(full);
    const leader = compact.servers[0]!;
    expect(leader.summary.version).toBeUndefined();
    expect(leader.timings).toEqual({});
    expect(Object.keys(leader.conf ?? {}).every((k) => STORED_CONF.has(k))).toBe(true);
    expect(leader.metrics.zk_synced_followers).toBe(full.servers[0]!.metrics.zk_synced_followers);
    expect(compact.canary).toEqual({ ok: true, steps: { connect: 5, create: 3, get: 1 }, totalMs: 9 });
    expect(Buffer.byteLength(JSON.stringify(compact))).toBeLessThan(Buffer.byteLength(JSON.stringify(full)) / 5);
  });

  it('keeps clients, blind spots and refused exchanges, which the notices and the turned-away alarm read', () => {
    const mntrRefused = text('mntr is not executed because it is not in the whitelist.\n');
    const reset: Exchange = { ok: false, error: { kind: 'connection-reset', message: '10.0.0.2:2181 reset the connection during isro', source: 'isro' }, ms: 1 };
    const leader = server('10.0.0.1:2181', 'leader');
    const follower = server('10.0.0.2:2181', 'follower');
    const full = round([
      { ...leader, words: { ...leader.words, cons: text(' /10.0.0.7:1[1](queued=0)\n /10.0.0.7:2[1](queued=0)\n /10.0.0.8:1[1](queued=0)\n') } },
      { ...follower, words: { ...follower.words, mntr: mntrRefused, isro: reset } },
    ]);
    const compact = compactRound(full);
    expect(compact.servers[0]?.clients).toEqual({ total: 3, ips: 2, top: [{ ip: '10.0.0.7', count: 2 }, { ip: '10.0.0.8', count: 1 }] });
    expect(compact.servers[1]?.blindSpots).toEqual(full.servers[1]?.blindSpots);
    expect(compact.servers[1]?.blindSpots?.map((b) => b.word)).toEqual(['mntr', 'isro']);
    expect(compact.servers[1]?.refusedExchanges).toEqual([{ word: 'isro', kind: 'connection-reset' }]);
    expect(blindSpotConditions(compact)).toEqual(blindSpotConditions(full));
    expect(checkAlarms(compact, { multiLeaderRounds: 0 })).toEqual(checkAlarms(full, { multiLeaderRounds: 0 }));
  });

  it('caps long error messages', () => {
    const full = cases['one server refusing connections'];
    const long = { ...full, servers: full.servers.map((s) => (s.error ? { ...s, error: { ...s.error, message: 'x'.repeat(5000) } } : s)) };
    const message = compactRound(long).servers[2]!.error?.message ?? '';
    expect(message.length).toBe(200);
    expect(message.endsWith('…')).toBe(true);
  });
});
