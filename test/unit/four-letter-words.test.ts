import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseCons,
  parseConf,
  parseEnvi,
  parseIsro,
  parseMntr,
  parseRuok,
  parseSrvr,
  parseWchs,
  parseWord,
  splitZxid,
  normalizeZxid,
} from '../../functions/core/probe/four-letter-words.ts';
import { FourLetterWords } from '../../functions/contract/probe-round.ts';
import { fixture } from '../support/fixtures.ts';

const NOT_SERVING = 'This ZooKeeper instance is not currently serving requests\n';
const NOT_WHITELISTED = 'mntr is not executed because it is not in the whitelist.\n';

describe('srvr and stat', () => {
  it.each([
    ['zk-3.8.0', 'leader.srvr.txt', { mode: 'leader', zxid: '0x100000000', nodeCount: 5, latency: { min: 0, avg: 0, max: 0 } }],
    ['zk-3.8.0', 'follower.srvr.txt', { mode: 'follower', zxid: '0x0', connections: 1 }],
    ['zk-3.4', 'follower.srvr.txt', { mode: 'follower', zxid: '0x30000002a', latency: { min: 0, avg: 1, max: 12 }, received: 2042 }],
    ['zk-3.4', 'follower.stat.txt', { mode: 'follower', connections: 2, outstanding: 0, nodeCount: 4 }],
  ])('parses %s %s', (version, name, expected) => {
    const parsed = parseSrvr(fixture(version, name));
    expect(parsed.kind).toBe('ok');
    if (parsed.kind === 'ok') expect(parsed.value).toMatchObject(expected);
  });

  it('keeps the client lines of stat apart from the summary', () => {
    const parsed = parseSrvr(fixture('zk-3.4', 'follower.stat.txt'));
    expect(parsed.kind === 'ok' && parsed.value.clients).toEqual([
      '/10.0.0.5:51234[1](queued=0,recved=1022,sent=1022)',
      '/10.0.0.6:40112[0](queued=0,recved=1,sent=0)',
    ]);
  });

  it('reads float latencies (3.5+)', () => {
    const parsed = parseSrvr('Latency min/avg/max: 0/0.4167/7\nMode: leader\n');
    expect(parsed.kind === 'ok' && parsed.value.latency).toEqual({ min: 0, avg: 0.4167, max: 7 });
  });

  it('recognises refusals', () => {
    expect(parseSrvr(NOT_SERVING).kind).toBe('not-serving');
    expect(parseSrvr('srvr is not executed because it is not in the whitelist.').kind).toBe('not-whitelisted');
  });

  it('calls a reply without a Mode line malformed, with the reason', () => {
    expect(parseSrvr('Zookeeper version: 3.8.0\n')).toEqual({ kind: 'malformed', reason: 'no "Mode:" line in srvr/stat reply' });
  });
});

describe('mntr', () => {
  it('parses 3.8 output: floats, integers and string states', () => {
    const parsed = parseMntr(fixture('zk-3.8.0', 'leader.mntr.txt'));
    expect(parsed.kind).toBe('ok');
    if (parsed.kind !== 'ok') return;
    expect(parsed.value).toMatchObject({
      zk_server_state: 'leader',
      zk_peer_state: 'leading - broadcast',
      zk_avg_latency: 0,
      zk_synced_followers: 2,
      zk_learners: 2,
      zk_max_file_descriptor_count: 20000,
      zk_avg_leader_unavailable_time: 388,
    });
    expect(typeof parsed.value.zk_version).toBe('string');
  });

  it('parses 3.4 output with zk_followers', () => {
    const parsed = parseMntr(fixture('zk-3.4', 'leader.mntr.txt'));
    expect(parsed.kind === 'ok' && parsed.value).toMatchObject({ zk_followers: 2, zk_synced_followers: 2, zk_max_latency: 12 });
  });

  it('keeps keys it does not know, as they are (3.9)', () => {
    const parsed = parseMntr(fixture('zk-3.9', 'leader.mntr.txt'));
    expect(parsed.kind === 'ok' && parsed.value).toMatchObject({
      zk_avg_latency: 0.4167,
      zk_synced_observers: 2,
      'zk_p99_write_per_namespace{namespace="kafka"}': 12.5,
    });
  });

  it('recognises refusals and empty replies', () => {
    expect(parseMntr(NOT_SERVING).kind).toBe('not-serving');
    expect(parseMntr(NOT_WHITELISTED).kind).toBe('not-whitelisted');
    expect(parseMntr('').kind).toBe('malformed');
  });
});

describe('the small words', () => {
  it('ruok', () => {
    expect(parseRuok('imok')).toEqual({ kind: 'ok', value: true });
    expect(parseRuok('').kind).toBe('malformed');
  });

  it('isro answers rw, ro, or null without quorum', () => {
    expect(parseIsro(fixture('zk-3.8.0', 'leader.isro.txt'))).toEqual({ kind: 'ok', value: 'rw' });
    expect(parseIsro(fixture('zk-3.8.0', 'noquorum.isro.txt'))).toEqual({ kind: 'ok', value: 'null' });
    expect(parseIsro('ro')).toEqual({ kind: 'ok', value: 'ro' });
    expect(parseIsro('maybe').kind).toBe('malformed');
  });

  it('conf and envi are key=value', () => {
    const conf = parseConf(fixture('zk-3.8.0', 'leader.conf.txt'));
    expect(conf.kind === 'ok' && conf.value).toMatchObject({ maxClientCnxns: '0', tickTime: '200', serverId: '3' });
    expect(parseConf(fixture('zk-3.8.0', 'noquorum.conf.txt')).kind).toBe('not-serving');
    const envi = parseEnvi(fixture('zk-3.8.0', 'leader.envi.txt'));
    expect(envi.kind === 'ok' && envi.value['java.version']).toBe('17.0.15');
  });

  it('wchs', () => {
    expect(parseWchs(fixture('zk-3.8.0', 'leader.wchs.txt'))).toEqual({ kind: 'ok', value: { connections: 0, paths: 0, totalWatches: 0 } });
    expect(parseWchs('3 connections watching 7 paths\nTotal watches:12\n')).toEqual({ kind: 'ok', value: { connections: 3, paths: 7, totalWatches: 12 } });
    expect(parseWchs('garbage').kind).toBe('malformed');
  });

  it('cons, with and without the per-connection statistics', () => {
    const parsed = parseCons(fixture('zk-3.8.0', 'follower.cons.txt'));
    expect(parsed).toEqual({ kind: 'ok', value: [{ address: '127.0.0.1:43778', fields: { queued: 0, recved: 1, sent: 0 } }] });
    const full = parseCons(
      ' /127.0.0.1:50958[1](queued=0,recved=5,sent=5,sid=0x100014a3e2d0000,lop=PING,est=1700000000000,to=4000,lcxid=0x2,lzxid=0xffffffffffffffff,lresp=1700000001000,llat=0,minlat=0,avglat=0.2,maxlat=1)\n',
    );
    expect(full.kind === 'ok' && full.value[0]?.fields).toMatchObject({ sid: '0x100014a3e2d0000', lop: 'PING', avglat: 0.2, to: 4000 });
  });
});

describe('zxids', () => {
  it('splits epoch and counter and normalises leading zeros', () => {
    expect(splitZxid('0x30000002a')).toEqual({ epoch: 3, counter: 42 });
    expect(splitZxid('0xffffffffffffffff')).toEqual({ epoch: 0xffffffff, counter: 0xffffffff });
    expect(splitZxid('0xnope')).toBeUndefined();
    expect(normalizeZxid('0x00000001000000A2')).toBe('0x1000000a2');
    expect(normalizeZxid('0x0')).toBe('0x0');
  });
});

describe('no input makes any parser throw', () => {
  const hostile = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.string({ unit: 'binary', maxLength: 400 }),
    fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\t', ' ', '=', ': ', '/'), fc.string({ maxLength: 20 })), { maxLength: 30 }).map((rows) =>
      rows.map(([k, sep, v]) => `${k}${sep}${v}`).join('\n'),
    ),
  );

  it.each(FourLetterWords)('%s', (word) => {
    fc.assert(
      fc.property(hostile, (text) => {
        const parsed = parseWord(word, text);
        expect(['ok', 'not-serving', 'not-whitelisted', 'malformed']).toContain(parsed.kind);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('printing then parsing gives the values back', () => {
  const key = fc.stringMatching(/^zk_[a-z_]{1,30}$/);
  const value = fc.oneof(
    fc.integer({ min: -1, max: 2 ** 40 }),
    fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((d) => Math.round(d * 10_000) / 10_000),
    fc.constantFrom('leader', 'follower', 'leading - broadcast', '3.8.0-abc, built on 2024-12-29 17:54 UTC'),
  );

  it('mntr', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 40 }), (metrics) => {
        const text = Object.entries(metrics).map(([k, v]) => `${k}\t${v}`).join('\n') + '\n';
        expect(parseMntr(text)).toEqual({ kind: 'ok', value: metrics });
      }),
    );
  });

  it('srvr', () => {
    const latency = fc.double({ min: 0, max: 1e5, noNaN: true }).map((d) => Math.round(d * 1000) / 1000);
    fc.assert(
      fc.property(
        fc.record({
          min: latency,
          avg: latency,
          max: latency,
          received: fc.nat(),
          connections: fc.nat(1000),
          zxid: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          mode: fc.constantFrom('leader', 'follower', 'observer', 'standalone', 'read-only'),
        }),
        (s) => {
          const text = [
            'Zookeeper version: 3.8.0',
            `Latency min/avg/max: ${s.min}/${s.avg}/${s.max}`,
            `Received: ${s.received}`,
            `Connections: ${s.connections}`,
            `Zxid: 0x${s.zxid.toString(16)}`,
            `Mode: ${s.mode}`,
          ].join('\n');
          expect(parseSrvr(text)).toEqual({
            kind: 'ok',
            value: {
              version: '3.8.0',
              latency: { min: s.min, avg: s.avg, max: s.max },
              received: s.received,
              connections: s.connections,
              zxid: `0x${s.zxid.toString(16)}`,
              mode: s.mode,
            },
          });
        },
      ),
    );
  });
});
