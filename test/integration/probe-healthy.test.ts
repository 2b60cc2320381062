import { describe, expect, inject, it } from 'vitest';
import { parseMntr } from '../../functions/core/probe/four-letter-words.ts';
import { askWord } from '../../functions/adapters/zookeeper/four-letter-client.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import { findFreeBlock } from '../../scripts/local-ensemble.ts';
import { expectNoHang } from '../support/hang-guard.ts';

const trio = inject('trio');
const standalone = inject('standalone');

describe('a healthy 3-server ensemble', () => {
  it('one leader, two followers, quorum, the canary completes every step', async () => {
    const round = await probeEnsemble(trio.servers, { timeoutMs: 3000, canary: {}, ensembleName: 'trio' });
    expect(round.servers.map((s) => s.mode).sort()).toEqual(['follower', 'follower', 'leader']);
    expect(round.servers.every((s) => s.error === undefined && s.alive && s.source === 'four-letter-words')).toBe(true);
    expect(round.ensemble).toMatchObject({ size: 3, quorumSize: 2, serving: 3, leaderCount: 1, hasQuorum: true, syncedFollowers: 2 });
    expect(round.canary?.ok).toBe(true);
    expect(Object.keys(round.canary?.steps ?? {}).sort()).toEqual(['close', 'connect', 'create', 'delete', 'get', 'set', 'watch']);
    expect(round.ensemble.epoch).toBeGreaterThan(0);
    expect(round.servers.find((s) => s.mode === 'leader')?.conf?.maxClientCnxns).toBe('0');
    expect(JSON.parse(JSON.stringify(round))).toEqual(round);
  });

  it('the canary writes, so a follower reports a zxid in the leader epoch and the spread stays small', async () => {
    await probeEnsemble(trio.servers, { canary: {} });
    const round = await probeEnsemble(trio.servers);
    const epochs = new Set(round.servers.map((s) => s.epoch));
    expect(epochs.size).toBe(1);
    expect(round.ensemble.zxidSpread).toBeLessThan(50);
  });

  it('parsing what a real server printed gives back its values', async () => {
    for (const server of trio.servers) {
      const reply = await askWord({ host: server.host, port: server.port, word: 'mntr', timeoutMs: 2000 });
      expect(reply.ok).toBe(true);
      if (!reply.ok) continue;
      const parsed = parseMntr(reply.text);
      expect(parsed.kind).toBe('ok');
      if (parsed.kind !== 'ok') continue;
      const lines = reply.text.trim().split('\n');
      expect(Object.keys(parsed.value)).toHaveLength(lines.length);
      for (const line of lines) {
        const [key, raw] = line.split('\t') as [string, string];
        const value = parsed.value[key];
        if (typeof value === 'number') expect(value).toBe(Number(raw));
        else expect(value).toBe(raw);
      }
    }
  });
});

describe('a standalone server', () => {
  it('is standalone with quorum of its own, and the canary works', async () => {
    const round = await probeEnsemble(standalone.servers, { canary: {} });
    expect(round.servers[0]?.mode).toBe('standalone');
    expect(round.ensemble).toMatchObject({ standalone: true, hasQuorum: true, leaderCount: 0, serving: 1 });
    expect(round.canary?.ok).toBe(true);
  });
});

describe('a port where nothing listens', () => {
  it('is unreachable at once, and the canary fails with a named error within its deadline', async () => {
    const port = await findFreeBlock(1, 45000);
    const started = performance.now();
    const round = await probeEnsemble([{ host: '127.0.0.1', port }], { timeoutMs: 1000, canary: {} });
    const elapsed = performance.now() - started;
    expect(round.servers[0]).toMatchObject({ mode: 'unreachable', error: { kind: 'connection-refused' }, alive: false });
    expect(round.ensemble.hasQuorum).toBe(false);
    expect(round.canary).toMatchObject({ ok: false, error: { kind: 'connect-timeout', step: 'connect' } });
    expectNoHang(elapsed, 1000);
  });
});
