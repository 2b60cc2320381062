import { describe, expect, it } from 'vitest';
import { classifyServer, type AdminExchange, type Exchange, type ServerObservation } from '../../functions/core/probe/classify-server.ts';
import type { ProbeErrorKind } from '../../functions/contract/probe-round.ts';
import { fixture } from '../support/fixtures.ts';

const text = (t: string): Exchange => ({ ok: true, text: t, ms: 1 });
const failed = (kind: ProbeErrorKind): Exchange => ({ ok: false, error: { kind, message: kind, source: 'srvr' }, ms: 1 });
const http = (status: number, body: string): AdminExchange => {
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { ok: true, status, text: body, ...(json ? { json } : {}), ms: 2 };
};
const observe = (words: ServerObservation['words'], admin?: ServerObservation['admin']): ServerObservation => ({
  address: '127.0.0.1:2181',
  words,
  ...(admin ? { admin } : {}),
  durationMs: 3,
});
const v38 = (name: string) => fixture('zk-3.8.0', name);
const NOT_WHITELISTED = (w: string) => text(`${w} is not executed because it is not in the whitelist.`);

describe('classifyServer', () => {
  it.each([
    {
      name: 'a healthy leader',
      obs: observe({ ruok: text('imok'), srvr: text(v38('leader.srvr.txt')), mntr: text(v38('leader.mntr.txt')), isro: text('rw') }),
      mode: 'leader',
      error: undefined,
    },
    {
      name: 'a healthy follower',
      obs: observe({ ruok: text('imok'), srvr: text(v38('follower.srvr.txt')), mntr: text(v38('follower.mntr.txt')), isro: text('rw') }),
      mode: 'follower',
      error: undefined,
    },
    {
      name: 'a server without quorum that still says imok',
      obs: observe({ ruok: text('imok'), srvr: text(v38('noquorum.srvr.txt')), mntr: text(v38('noquorum.mntr.txt')), isro: text('null') }),
      mode: 'not-serving',
      error: 'not-serving',
    },
    {
      name: 'a read-only server',
      obs: observe({ srvr: text('Mode: read-only\nZxid: 0x5\n'), isro: text('ro') }),
      mode: 'read-only',
      error: undefined,
    },
    {
      name: 'a follower that isro reports read-only',
      obs: observe({ srvr: text('Mode: follower\n'), isro: text('ro') }),
      mode: 'read-only',
      error: undefined,
    },
    { name: 'nothing listening', obs: observe({ ruok: failed('connection-refused'), srvr: failed('connection-refused') }), mode: 'unreachable', error: 'connection-refused' },
    { name: 'a paused server', obs: observe({ ruok: failed('reply-timeout'), srvr: failed('reply-timeout') }), mode: 'timeout', error: 'reply-timeout' },
    { name: 'a connect that never completes', obs: observe({ srvr: failed('connect-timeout') }), mode: 'timeout', error: 'connect-timeout' },
    { name: 'a reset', obs: observe({ srvr: failed('connection-reset') }), mode: 'unreachable', error: 'connection-reset' },
    { name: 'a close without a reply (a server restarting mid-election)', obs: observe({ srvr: failed('no-reply') }), mode: 'not-serving', error: 'no-reply' },
    { name: 'a flood', obs: observe({ srvr: failed('reply-too-large') }), mode: 'malformed', error: 'reply-too-large' },
    { name: 'garbage', obs: observe({ srvr: text('\u0000\u0001\u00ff binary') }), mode: 'malformed', error: 'malformed' },
    { name: 'an unknown mode', obs: observe({ srvr: text('Mode: confused\n') }), mode: 'malformed', error: 'malformed' },
    {
      name: 'srvr refused but mntr answers',
      obs: observe({ srvr: NOT_WHITELISTED('srvr'), mntr: text(v38('follower.mntr.txt')) }),
      mode: 'follower',
      error: undefined,
    },
    {
      name: 'every word refused and no AdminServer',
      obs: observe({ srvr: NOT_WHITELISTED('srvr'), mntr: NOT_WHITELISTED('mntr') }),
      mode: 'not-whitelisted',
      error: 'not-whitelisted',
    },
    {
      name: 'every word refused, AdminServer answers',
      obs: observe(
        { srvr: NOT_WHITELISTED('srvr'), mntr: NOT_WHITELISTED('mntr') },
        { monitor: http(200, v38('leader.admin-monitor.json')), ruok: http(200, '{"command":"ruok","error":null}') },
      ),
      mode: 'leader',
      error: undefined,
    },
    {
      name: 'words refused, AdminServer without quorum (HTTP 500 page)',
      obs: observe(
        { srvr: NOT_WHITELISTED('srvr'), mntr: NOT_WHITELISTED('mntr') },
        { monitor: http(500, v38('noquorum.admin-monitor.html')), leader: http(200, v38('noquorum.admin-leader.json')) },
      ),
      mode: 'not-serving',
      error: 'not-serving',
    },
    {
      name: 'words refused, only the AdminServer 500 page to go by',
      obs: observe({ srvr: NOT_WHITELISTED('srvr'), mntr: NOT_WHITELISTED('mntr') }, { monitor: http(500, v38('noquorum.admin-monitor.html')) }),
      mode: 'not-serving',
      error: 'not-serving',
    },
    {
      name: 'words refused, AdminServer 500 for another reason',
      obs: observe({ srvr: NOT_WHITELISTED('srvr'), mntr: NOT_WHITELISTED('mntr') }, { monitor: http(500, '<html>Internal error</html>') }),
      mode: 'unreachable',
      error: 'admin-error',
    },
    {
      name: 'words refused, AdminServer unreachable',
      obs: observe({ srvr: NOT_WHITELISTED('srvr'), mntr: NOT_WHITELISTED('mntr') }, { monitor: { ok: false, error: { kind: 'connection-refused', message: 'x' }, ms: 1 } }),
      mode: 'unreachable',
      error: 'connection-refused',
    },
    {
      name: 'words refused, AdminServer answers an error field',
      obs: observe({ mntr: NOT_WHITELISTED('mntr') }, { monitor: http(200, '{"command":"monitor","error":"Unsupported"}') }),
      mode: 'unreachable',
      error: 'admin-error',
    },
  ])('$name → $mode', ({ obs, mode, error }) => {
    const result = classifyServer(obs);
    expect(result.mode).toBe(mode);
    expect(result.error?.kind).toBe(error);
  });

  it('takes metrics from the AdminServer under mntr names, the same keys mntr has', () => {
    const viaAdmin = classifyServer(observe({ mntr: NOT_WHITELISTED('mntr') }, { monitor: http(200, v38('leader.admin-monitor.json')) }));
    const viaWord = classifyServer(observe({ mntr: text(v38('leader.mntr.txt')) }));
    expect(viaAdmin.source).toBe('admin-server');
    expect(viaWord.source).toBe('four-letter-words');
    expect(viaAdmin.metrics).toMatchObject({ zk_server_state: 'leader', zk_synced_followers: 2, zk_max_file_descriptor_count: 20000 });
    const wordKeys = Object.keys(viaWord.metrics);
    const shared = Object.keys(viaAdmin.metrics).filter((k) => wordKeys.includes(k));
    expect(shared.length / wordKeys.length).toBeGreaterThan(0.9);
  });

  it('records zxid, epoch and counter, ruok and the timings', () => {
    const result = classifyServer(observe({ ruok: text('imok'), srvr: text('Mode: follower\nZxid: 0x000000030000002A\n') }));
    expect(result).toMatchObject({ alive: true, epoch: 3, zxidCounter: 42, summary: { zxid: '0x30000002a' }, timings: { ruok: 1, srvr: 1 } });
  });

  it('reads maxClientCnxns from conf', () => {
    const result = classifyServer(observe({ srvr: text(v38('leader.srvr.txt')), conf: text(v38('leader.conf.txt')) }));
    expect(result.conf?.maxClientCnxns).toBe('0');
  });
});
