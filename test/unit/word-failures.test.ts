import { describe, expect, it } from 'vitest';
import { assembleRound } from '../../functions/core/probe/assemble-round.ts';
import type { AdminExchange, Exchange, ServerObservation } from '../../functions/core/probe/classify-server.ts';
import { wordFailures } from '../../functions/core/probe/word-failures.ts';
import { fixture } from '../support/fixtures.ts';

const text = (t: string): Exchange => ({ ok: true, text: t, ms: 1 });
const failed = (kind: Extract<Exchange, { ok: false }>['error']['kind'], source: string, message = `${kind} on ${source}`): Exchange => ({
  ok: false,
  error: { kind, message, source },
  ms: 1,
});
const refusedByWhitelist = (word: string) => text(`${word} is not executed because it is not in the whitelist.\n`);
const f = (name: string) => text(fixture('zk-3.8.0', name));

function follower(words: ServerObservation['words'], admin?: ServerObservation['admin']): ServerObservation {
  return {
    address: '10.0.0.2:2181',
    words: { ruok: text('imok'), srvr: f('follower.srvr.txt'), mntr: f('follower.mntr.txt'), isro: text('rw'), conf: f('follower.conf.txt'), cons: f('follower.cons.txt'), ...words },
    ...(admin ? { admin } : {}),
    durationMs: 5,
  };
}

describe('wordFailures', () => {
  it('a server that answers everything has neither blind spots nor refused exchanges', () => {
    expect(wordFailures(follower({}))).toEqual({});
  });

  it("names a word outside the whitelist with the server's own text", () => {
    expect(wordFailures(follower({ mntr: refusedByWhitelist('mntr') }))).toEqual({
      blindSpots: [{ word: 'mntr', reason: 'not-whitelisted', message: 'mntr is not executed because it is not in the whitelist.' }],
    });
  });

  it("a refused mntr costs nothing when the AdminServer's monitor answered in its place", () => {
    const monitor: AdminExchange = { ok: true, status: 200, text: '{}', json: { command: 'monitor', server_state: 'follower', error: null }, ms: 2 };
    expect(wordFailures(follower({ mntr: refusedByWhitelist('mntr') }, { monitor }))).toEqual({});
  });

  it('names both mntr and the AdminServer monitor when the stand-in failed too', () => {
    const monitor: AdminExchange = { ok: false, error: { kind: 'connection-refused', message: 'nothing listens on 10.0.0.2:8080', source: 'admin:monitor' }, ms: 1 };
    expect(wordFailures(follower({ mntr: refusedByWhitelist('mntr') }, { monitor })).blindSpots).toEqual([
      { word: 'mntr', reason: 'not-whitelisted', message: 'mntr is not executed because it is not in the whitelist.' },
      { word: 'admin:monitor', reason: 'refused', message: 'nothing listens on 10.0.0.2:8080' },
    ]);
  });

  it('a word that timed out, was reset or came back garbled is a blind spot; the reset one is also a refused exchange', () => {
    const out = wordFailures(follower({ mntr: failed('reply-timeout', 'mntr'), cons: failed('connection-reset', 'cons'), conf: text('<html>') }));
    expect(out.blindSpots).toEqual([
      { word: 'mntr', reason: 'timeout', message: 'reply-timeout on mntr' },
      { word: 'conf', reason: 'error', message: 'no "key=value" lines in conf reply' },
      { word: 'cons', reason: 'refused', message: 'connection-reset on cons' },
    ]);
    expect(out.refusedExchanges).toEqual([{ word: 'cons', kind: 'connection-reset' }]);
  });

  it('connections closed without a reply or refused while others answer are refused exchanges', () => {
    const out = wordFailures(follower({ srvr: failed('no-reply', 'srvr'), isro: failed('connection-refused', 'isro') }));
    expect(out.refusedExchanges).toEqual([
      { word: 'srvr', kind: 'no-reply' },
      { word: 'isro', kind: 'connection-refused' },
    ]);
  });

  it('caps the server message', () => {
    const long = failed('malformed', 'mntr', 'x'.repeat(1000));
    const [spot] = wordFailures(follower({ mntr: long })).blindSpots ?? [];
    expect(spot?.message).toHaveLength(200);
    expect(spot?.message.endsWith('…')).toBe(true);
  });

  it('records nothing when no exchange answered: the mode tells that story', () => {
    const reset = (w: string) => failed('connection-reset', w);
    const obs: ServerObservation = { address: '10.0.0.3:2181', words: { ruok: reset('ruok'), srvr: reset('srvr'), mntr: reset('mntr'), cons: reset('cons') }, durationMs: 1 };
    expect(wordFailures(obs)).toEqual({});
  });

  it('a server without quorum refuses nothing: "not currently serving" is its state, not a blind spot', () => {
    const noQuorum = text(fixture('zk-3.8.0', 'noquorum.srvr.txt'));
    expect(wordFailures(follower({ srvr: noQuorum, mntr: text(fixture('zk-3.8.0', 'noquorum.mntr.txt')), cons: noQuorum, conf: noQuorum }))).toEqual({});
  });

  it("the AdminServer's configuration and connections stand in for a refused conf and cons", () => {
    const configuration: AdminExchange = { ok: true, status: 200, text: '{}', json: { max_client_cnxns: 60, command: 'configuration', error: null }, ms: 2 };
    const list = '{ "connections" : [ { "remote_socket_address" : "10.0.0.9:4000" }, { "remote_socket_address" : "10.0.0.9:4001" } ], "command" : "connections", "error" : null }';
    const connections: AdminExchange = { ok: true, status: 200, text: list, json: JSON.parse(list) as Record<string, unknown>, ms: 2 };
    const obs = follower({ conf: refusedByWhitelist('conf'), cons: refusedByWhitelist('cons') }, { configuration, connections });
    expect(wordFailures(obs)).toEqual({});
    const [server] = assembleRound({ ensembleName: 'prod', roundId: 'r1', startedAt: '2026-03-01T12:00:00.000Z', durationMs: 5, timeoutMs: 1000, observations: [obs], canary: null }).servers;
    expect(server).toMatchObject({ conf: { maxClientCnxns: '60' }, clients: { total: 2, ips: 1, top: [{ ip: '10.0.0.9', count: 2 }] } });
    expect(server?.blindSpots).toBeUndefined();
  });

  it('assembleRound puts clients, blind spots and refused exchanges on the server', () => {
    const round = assembleRound({
      ensembleName: 'prod',
      roundId: 'r1',
      startedAt: '2026-03-01T12:00:00.000Z',
      durationMs: 5,
      timeoutMs: 1000,
      observations: [follower({ mntr: refusedByWhitelist('mntr'), isro: failed('connection-reset', 'isro'), cons: { ...f('follower.cons.txt'), truncated: true } as Exchange })],
      canary: null,
    });
    expect(round.version).toBe(3);
    expect(round.servers[0]).toMatchObject({
      mode: 'follower',
      source: 'none',
      clients: { total: 1, ips: 1, top: [{ ip: '127.0.0.1', count: 1 }], truncated: true },
      blindSpots: [
        { word: 'mntr', reason: 'not-whitelisted' },
        { word: 'isro', reason: 'refused' },
      ],
      refusedExchanges: [{ word: 'isro', kind: 'connection-reset' }],
    });
  });
});
