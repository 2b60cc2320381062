/**
 * Whatever servers and znodes say, the stored round fits its DynamoDB item and reads back
 * through the real reader (`decodeRoundItem`), and its verdicts (every server's mode, the
 * ensemble view, the alarms) are those of the round as probed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRoundItem, roundItem, type ItemImage } from '../../functions/adapters/aws/results-table.ts';
import { checkAlarms } from '../../functions/core/evaluate/alarm-checks.ts';
import { assembleRound } from '../../functions/core/probe/assemble-round.ts';
import type { ServerObservation } from '../../functions/core/probe/classify-server.ts';
import { compactRound } from '../../functions/core/probe/compact-round.ts';
import type { ProbeRound, ZnodeCheckResult } from '../../functions/contract/probe-round.ts';
import { CUT_MARKER, fitRoundToBudget, ROUND_BUDGET_BYTES, serializedBytes } from '../../functions/core/probe/round-budget.ts';
import { fixture } from '../support/fixtures.ts';

const DYNAMODB_ITEM_LIMIT = 400 * 1024;

/** DynamoDB counts an item as the UTF-8 bytes of its attribute names and values. */
function itemBytes(item: ReturnType<typeof roundItem>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value.S ?? value.N ?? '');
  return bytes;
}

/** Text up to ~600 KB: a short piece repeated, so the generator stays fast. */
const hostileText = fc
  .tuple(fc.constantFrom('1', 'x', '\u001b[2K', '好', '9'.repeat(40) + 'x', ' \t', '"\\'), fc.integer({ min: 0, max: 600_000 }))
  .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)));
const smallText = fc.string({ maxLength: 20 });
const text = fc.oneof({ weight: 3, arbitrary: smallText }, { weight: 1, arbitrary: hostileText });

const leaderSrvr = fixture('zk-3.8.0', 'leader.srvr.txt');
const leaderMntr = fixture('zk-3.8.0', 'leader.mntr.txt');

const observation = fc
  .record({
    mode: fc.oneof(fc.constantFrom('leader', 'follower'), text),
    extraMntr: fc.array(fc.tuple(text, text), { maxLength: 4 }),
    manyKeys: fc.integer({ min: 0, max: 20_000 }),
    conf: fc.array(fc.tuple(text, text), { maxLength: 3 }),
    adminField: text,
    notServing: fc.boolean(),
    down: fc.boolean(),
  })
  .map((o): ServerObservation => {
    const address = '10.0.0.0:2181'; // numbered when the round is assembled
    if (o.down) {
      const refused = { ok: false as const, error: { kind: 'connection-refused' as const, message: `connect ECONNREFUSED ${address}`, source: 'ruok' }, ms: 1 };
      return { address, words: { ruok: refused, srvr: refused, mntr: refused }, durationMs: 1 };
    }
    const reply = (t: string) => ({ ok: true as const, text: t, ms: 1 });
    const mntr = [leaderMntr, ...o.extraMntr.map(([k, v]) => `zk_${k.replace(/\s/g, '_')}\t${v}`), ...Array.from({ length: o.manyKeys }, (_, k) => `zk_hostile_${k}\t${k}x`)].join('\n');
    const srvr = o.notServing ? `This ZooKeeper instance is not currently serving requests${o.adminField}` : leaderSrvr.replace('Mode: leader', `Mode: ${o.mode}`);
    const json = { command: 'monitor', server_state: o.mode, znode_count: o.adminField, [o.adminField.slice(0, 1000) || 'k']: o.adminField, error: null };
    return {
      address,
      words: { ruok: reply('imok'), srvr: reply(srvr), mntr: reply(mntr), isro: reply('rw'), conf: reply(o.conf.map(([k, v]) => `${k}=${v}`).join('\n')) },
      admin: { monitor: { ok: true, status: 200, text: JSON.stringify(json), json, ms: 1 } },
      durationMs: 2,
    };
  });

const znode = fc
  .record({ path: text, keys: fc.array(text, { maxLength: 200 }), children: fc.array(text, { maxLength: 300 }), detail: text, content: text, violated: fc.boolean() })
  .map(
    (z): ZnodeCheckResult => ({
      rule: `config:/app/${z.path.slice(0, 10)}`,
      check: 'config',
      path: `/app/${z.path}`,
      status: z.violated ? 'violated' : 'ok',
      detail: z.detail,
      childCount: z.children.length,
      children: z.children,
      data: { version: 3, mtime: '2026-03-01T12:00:00.000Z', mzxid: '0x1', size: 450_000, sha256: 'ab'.repeat(32), keyHashes: Object.fromEntries(z.keys.map((k, j) => [`${k}${j}`, '0123456789abcdef'])), content: z.content },
      reads: 1,
    }),
  );

const probeRound = fc
  .record({ servers: fc.array(observation, { minLength: 1, maxLength: 5 }), znodes: fc.array(znode, { maxLength: 3 }), canaryMessage: text })
  .map(({ servers, znodes, canaryMessage }): ProbeRound => {
    const round = assembleRound({
      ensembleName: 'prod',
      roundId: 'r1',
      startedAt: '2026-03-01T12:00:00.000Z',
      durationMs: 40,
      timeoutMs: 3000,
      observations: servers.map((s, i) => ({ ...s, address: `10.0.0.${i + 1}:2181` })),
      canary: { ok: false, steps: { connect: 5 }, totalMs: 9, path: '/zk-lookout/canary/x', error: { kind: 'client-error', step: 'create', message: canaryMessage } },
    });
    return znodes.length > 0 ? { ...round, znodes } : round;
  });

function storedAndReadBack(stored: ProbeRound): ProbeRound {
  const item = roundItem(stored, stored.startedAt);
  expect(serializedBytes(stored)).toBeLessThanOrEqual(ROUND_BUDGET_BYTES);
  expect(itemBytes(item)).toBeLessThan(DYNAMODB_ITEM_LIMIT);
  const back = decodeRoundItem(item as ItemImage);
  expect(back).toEqual(stored);
  return back;
}

function expectSameVerdicts(full: ProbeRound, back: ProbeRound): void {
  expect(back.servers.map((s) => [s.address, s.mode, s.error?.kind])).toEqual(full.servers.map((s) => [s.address, s.mode, s.error?.kind]));
  expect(back.ensemble).toEqual(full.ensemble);
  expect(back.znodes?.map((z) => z.status)).toEqual(full.znodes?.map((z) => z.status));
  // Summaries quote server text, which may be cut; which alarms are raised must not change.
  const alarms = (round: ProbeRound) => checkAlarms(round, { multiLeaderRounds: 0 }).conditions.map((c) => ({ ...c, summary: undefined }));
  expect(alarms(back)).toEqual(alarms(full));
}

describe('the stored round item', () => {
  it('is under the budget, reads back, and keeps the verdicts: compacted (AWS)', () => {
    fc.assert(
      fc.property(probeRound, (full) => expectSameVerdicts(full, storedAndReadBack(compactRound(full)))),
      { numRuns: 60 },
    );
  });

  it('is under the budget, reads back, and keeps the verdicts: whole (local mode)', () => {
    fc.assert(
      fc.property(probeRound, (full) => expectSameVerdicts(full, storedAndReadBack(fitRoundToBudget(full)))),
      { numRuns: 60 },
    );
  });

  it('cuts a 450 KB Mode: with a marker and still says the server is malformed', () => {
    const hostile = leaderSrvr.replace('Mode: leader', `Mode: ${'x'.repeat(450_000)}`);
    const full = assembleRound({
      ensembleName: 'prod',
      roundId: 'r1',
      startedAt: '2026-03-01T12:00:00.000Z',
      durationMs: 40,
      timeoutMs: 3000,
      observations: [{ address: '10.0.0.1:2181', words: { srvr: { ok: true, text: hostile, ms: 1 } }, durationMs: 1 }],
      canary: null,
    });
    const stored = storedAndReadBack(compactRound(full));
    expect(stored.servers[0]!.mode).toBe('malformed');
    expect(stored.trimmed).toBeUndefined(); // the parser already refused the line: nothing left to cut
  });

  it('cuts what the parsers pass on, and says so', () => {
    const full: ProbeRound = {
      ...assembleRound({ ensembleName: 'prod', roundId: 'r1', startedAt: '2026-03-01T12:00:00.000Z', durationMs: 1, timeoutMs: 3000, observations: [], canary: null }),
      znodes: [{ rule: 'config:/a', check: 'config', path: '/a', status: 'ok', detail: 'd'.repeat(5000), reads: 1 }],
    };
    const stored = fitRoundToBudget(full);
    expect(stored.trimmed).toBe('strings');
    expect(stored.znodes![0]!.detail.endsWith(CUT_MARKER)).toBe(true);
    expect(stored.znodes![0]!.detail.length).toBeLessThanOrEqual(1024);
  });

  it('drops detail and keeps the verdicts when long text alone does not fit', () => {
    const keyHashes = Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`${'k'.repeat(120)}${i}`, '0123456789abcdef']));
    const full: ProbeRound = {
      ...assembleRound({ ensembleName: 'prod', roundId: 'r1', startedAt: '2026-03-01T12:00:00.000Z', durationMs: 1, timeoutMs: 3000, observations: [], canary: null }),
      znodes: [{ rule: 'config:/a', check: 'config', path: '/a', status: 'violated', detail: 'changed', data: { version: 2, mtime: 't', mzxid: '0x1', size: 1, sha256: 'ff', keyHashes }, reads: 1 }],
    };
    const stored = storedAndReadBack(fitRoundToBudget(full));
    expect(stored.trimmed).toBe('detail');
    expect(stored.znodes![0]).toMatchObject({ status: 'violated', data: { version: 2, sha256: 'ff' } });
    expect(stored.znodes![0]!.data!.keyHashes).toBeUndefined();
  });
});
