import { describe, expect, it } from 'vitest';
import { clientIp, groupAdminConnections, groupClientConnections, TOP_CLIENT_IPS } from '../../functions/core/probe/client-connections.ts';
import { fixture } from '../support/fixtures.ts';

const line = (address: string, n = 1) => ` /${address}[${n}](queued=0,recved=1,sent=1,sid=0x100000e6e850000,lop=SESS,est=1796192548116,to=4000,lcxid=0x0,lzxid=0x1,lresp=945975,llat=15,minlat=0,avglat=15,maxlat=15)`;
const reply = (...addresses: string[]) => `${addresses.map((a) => line(a)).join('\n')}\n\n`;

describe('clientIp', () => {
  it.each([
    ['127.0.0.2:35701', '127.0.0.2'],
    ['zk-client-7.example/10.0.0.5:41234', '10.0.0.5'],
    ['/10.0.0.5:41234', '10.0.0.5'],
    ['[0:0:0:0:0:0:0:1]:50212', '0:0:0:0:0:0:0:1'],
    ['[::1]:50212', '::1'],
    ['[fe80::1%lo]:50212', 'fe80::1%lo'],
    // Java before 14 printed IPv6 without brackets: the last colon splits the port off.
    ['0:0:0:0:0:0:0:1:50212', '0:0:0:0:0:0:0:1'],
  ])('%s is client IP %s', (address, ip) => {
    expect(clientIp(address)).toBe(ip);
  });

  it.each(['', 'nonsense', '[]:1', ':1'])('%j has no client IP', (address) => {
    expect(clientIp(address)).toBeUndefined();
  });
});

describe('groupClientConnections', () => {
  it('groups a real 3.8.0 reply (the probe alone) by IP', () => {
    expect(groupClientConnections(fixture('zk-3.8.0', 'leader.cons.txt'))).toEqual({
      kind: 'ok',
      value: { total: 1, ips: 1, top: [{ ip: '127.0.0.1', count: 1 }] },
    });
  });

  it('counts per IPv4 address, busiest first, ties by address', () => {
    const text = reply('10.0.0.9:1', '10.0.0.2:1', '10.0.0.2:2', '10.0.0.2:3', '10.0.0.9:2', '10.0.0.1:5');
    expect(groupClientConnections(text)).toEqual({
      kind: 'ok',
      value: { total: 6, ips: 3, top: [{ ip: '10.0.0.2', count: 3 }, { ip: '10.0.0.9', count: 2 }, { ip: '10.0.0.1', count: 1 }] },
    });
  });

  it('counts IPv6 clients in both the bracketed and the old form', () => {
    const text = reply('[0:0:0:0:0:0:0:1]:50212', '[0:0:0:0:0:0:0:1]:50213', '0:0:0:0:0:0:0:1:50215', '[::1]:50214', '127.0.0.1:4000');
    const grouped = groupClientConnections(text);
    expect(grouped).toEqual({
      kind: 'ok',
      value: { total: 5, ips: 3, top: [{ ip: '0:0:0:0:0:0:0:1', count: 3 }, { ip: '127.0.0.1', count: 1 }, { ip: '::1', count: 1 }] },
    });
  });

  it(`keeps the ${TOP_CLIENT_IPS} busiest IPs and counts all of them`, () => {
    const addresses = Array.from({ length: 8 }, (_, i) => Array.from({ length: i + 1 }, (_, j) => `10.0.1.${i}:${j + 1000}`)).flat();
    const grouped = groupClientConnections(reply(...addresses));
    expect(grouped.kind).toBe('ok');
    if (grouped.kind !== 'ok') return;
    expect(grouped.value.total).toBe(36);
    expect(grouped.value.ips).toBe(8);
    expect(grouped.value.top.map((t) => t.count)).toEqual([8, 7, 6, 5, 4]);
    expect(grouped.value.top[0]?.ip).toBe('10.0.1.7');
  });

  it('drops the partial last line of a reply cut at the byte cap and marks the counts as lower bounds', () => {
    const full = reply('127.0.0.2:1', '127.0.0.2:2', '127.0.0.2:3');
    const cut = full.slice(0, full.lastIndexOf(' /127.0.0.2:3') + 20);
    expect(groupClientConnections(cut, true)).toEqual({
      kind: 'ok',
      value: { total: 2, ips: 1, top: [{ ip: '127.0.0.2', count: 2 }], truncated: true },
    });
  });

  it('passes a whitelist refusal and a garbled reply through as the parser reads them', () => {
    expect(groupClientConnections('cons is not executed because it is not in the whitelist.\n').kind).toBe('not-whitelisted');
    expect(groupClientConnections('This ZooKeeper instance is not currently serving requests\n').kind).toBe('not-serving');
    expect(groupClientConnections('<html>nope</html>').kind).toBe('malformed');
  });
});

describe('groupAdminConnections', () => {
  // As 3.8.0's AdminServer prints /commands/connections (two sessions from 127.0.0.2).
  const entry = (address: string) =>
    `{\n    "remote_socket_address" : "${address}",\n    "interest_ops" : 1,\n    "outstanding_requests" : 0,\n    "session_id" : 72057796583948289,\n    "last_operation" : "SESS"\n  }`;
  const body = (...addresses: string[]) => `{\n  "connections" : [ ${addresses.map(entry).join(', ')} ],\n  "secure_connections" : [ ],\n  "command" : "connections",\n  "error" : null\n}`;

  it('groups the AdminServer connection list by client IP', () => {
    expect(groupAdminConnections(body('127.0.0.2:42263', '127.0.0.2:36505', '[0:0:0:0:0:0:0:1]:4000'))).toEqual({
      total: 3,
      ips: 2,
      top: [{ ip: '127.0.0.2', count: 2 }, { ip: '0:0:0:0:0:0:0:1', count: 1 }],
    });
    expect(groupAdminConnections(body())).toEqual({ total: 0, ips: 0, top: [] });
  });

  it('counts the complete addresses of a list cut at the byte cap (no longer JSON) as lower bounds', () => {
    const full = body('10.0.0.7:1', '10.0.0.7:2', '10.0.0.8:3');
    const cut = full.slice(0, full.indexOf('10.0.0.8') + 4);
    expect(groupAdminConnections(cut, true)).toEqual({ total: 2, ips: 1, top: [{ ip: '10.0.0.7', count: 2 }], truncated: true });
  });

  it('is undefined for a body that is not the connections reply', () => {
    expect(groupAdminConnections('<html>500</html>')).toBeUndefined();
  });
});
