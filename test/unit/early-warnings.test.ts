/** One early warning per cause (signal and server), through evaluateRound. */
import { describe, expect, it } from 'vitest';
import type { EnsembleState } from '../../functions/contract/ensemble-state.ts';
import { evaluateRound, type EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import { warningKey } from '../../functions/core/evaluate/warning-key.ts';
import { resolveThresholds } from '../../functions/contract/thresholds.ts';
import type { ProbeRound, ServerMode } from '../../functions/contract/probe-round.ts';
import { minutes, TRIO, trioRound } from '../support/probe-rounds.ts';

const T0 = new Date('2030-01-01T00:00:00Z');
const settings = (over: Partial<EvaluationSettings> = {}): EvaluationSettings => ({
  thresholds: resolveThresholds({ minFiringMinutes: 0 }, 'prod'),
  silences: [],
  configProblems: [],
  ...over,
});

interface Spec {
  modes?: ServerMode[];
  /** Busiest client IP's connections per server (maxClientCnxns 60); undefined: no cons. */
  ip?: (number | undefined)[];
  reply?: number[];
  outstanding?: number[];
}

function roundAt(i: number, spec: Spec): ProbeRound {
  const round = trioRound(`r${i}`, minutes(T0, i), spec.modes, TRIO.map(() => ({ conf: { maxClientCnxns: '60' } })));
  round.servers.forEach((server, s) => {
    const count = spec.ip?.[s];
    if (count !== undefined) server.clients = { total: count + 3, ips: 4, top: [{ ip: `10.9.0.${s + 1}`, count }] };
    server.durationMs = spec.reply?.[s] ?? 3;
    if (spec.outstanding?.[s] !== undefined) server.summary.outstanding = spec.outstanding[s];
  });
  return round;
}

function play(specs: Spec[], s = settings()): { changes: string[][]; state: EnsembleState } {
  let state: EnsembleState | undefined;
  const changes = specs.map((spec, i) => {
    const out = evaluateRound(state, roundAt(i, spec), s, minutes(T0, i));
    state = out.state;
    return out.evaluation.transitions.filter((t) => t.alertName === 'early-warning').map((t) => `${t.alertKey} ${t.change}${t.notify ? '' : ' (quiet)'}`);
  });
  return { changes, state: state as EnsembleState };
}

const calm: Spec = { ip: [3, 3, 3] };
const ipKey = (s: number) => warningKey('client-ip-use', TRIO[s]);

describe('one early warning per cause', () => {
  it('three unrelated one-round outliers on three servers in a row fire nothing', () => {
    const { changes } = play([calm, calm, { ...calm, reply: [900, 3, 3] }, { ...calm, outstanding: [0, 400, 0] }, { ...calm, ip: [3, 3, 59] }, calm, calm]);
    expect(changes.flat()).toEqual([]);
  });

  it('a second cause while the first fires is announced after its own persistence', () => {
    const high = (a: number, b: number): Spec => ({ ip: [a, b, 3] });
    const { changes } = play([high(55, 3), high(55, 3), high(55, 3), high(55, 55), high(55, 55), high(55, 55), high(55, 55)]);
    expect(changes).toEqual([[], [], [`${ipKey(0)} fired`], [], [], [`${ipKey(1)} fired`], []]);
  });

  it('names the IP in the summary and keeps the cause when a round brings no value for it', () => {
    const high: Spec = { ip: [55, 3, 3] };
    const noCons: Spec = { ip: [undefined, 3, 3] };
    const { changes, state } = play([high, high, high, noCons, noCons, high, { ip: [3, 3, 3] }]);
    expect(changes).toEqual([[], [], [`${ipKey(0)} fired`], [], [], [], [`${ipKey(0)} resolved`]]);
    expect(state.alerts[ipKey(0)]).toBeUndefined();
  });

  it('a silence by signal covers a held cause too', () => {
    const s = settings({ silences: [{ ensemble: 'prod', signal: 'client-ip-use', until: '2030-01-02T00:00:00Z', reason: 'migration', createdBy: 'ops' }] });
    const { changes } = play([{ ip: [55, 3, 3] }, { ip: [55, 3, 3] }, { ip: [55, 3, 3] }, { ip: [undefined, 3, 3] }], s);
    expect(changes).toEqual([[], [], [`${ipKey(0)} fired (quiet)`], []]);
  });

  it("a cause clears when its server stops serving (the server's alarm takes over)", () => {
    const high: Spec = { ip: [55, 3, 3] };
    const { changes } = play([high, high, high, { modes: ['unreachable', 'leader', 'follower'], ip: [undefined, 3, 3] }]);
    expect(changes).toEqual([[], [], [`${ipKey(0)} fired`], [`${ipKey(0)} resolved`]]);
  });

  it("the summary gives value, unit and the cause's own risk", () => {
    let state: EnsembleState | undefined;
    let fired;
    for (let i = 0; i < 3; i++) {
      const out = evaluateRound(state, roundAt(i, { ip: [55, 3, 3] }), settings(), minutes(T0, i));
      state = out.state;
      fired ??= out.evaluation.transitions.find((t) => t.change === 'fired');
    }
    expect(fired?.summary).toMatch(/^client-ip-use 91\.7 % \(client 10\.9\.0\.1\) on 10\.0\.0\.1:2181 \(ν 80 %, τ 4 %, risk 95 %\)$/);
    expect(fired?.probability).toBeCloseTo(0.95, 2);
  });
});

describe('docs/THRESHOLDS.md', () => {
  it('lists every signal with its ZooKeeper field, versions, unit and default curve', async () => {
    const { readFileSync } = await import('node:fs');
    const { SIGNAL_CATALOG, SignalNames } = await import('../../functions/contract/signal-catalog.ts');
    const doc = readFileSync(new URL('../../docs/THRESHOLDS.md', import.meta.url), 'utf8');
    for (const name of SignalNames) {
      const d = SIGNAL_CATALOG[name];
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      const cells = row!.split(' | ').map((c) => c.trim());
      expect(cells.slice(1, 5), name).toEqual([d.source, d.versions, d.unit, d.scope]);
      expect(cells.slice(6, 9), name).toEqual([String(d.defaults.nu), String(d.defaults.tau), `\`${d.defaults.mode}\``]);
    }
  });
});

describe('P doing its work: growth signals are P·W', () => {
  /** Rounds a minute apart with the first server's znode count growing `perHour(i)` an hour. */
  function growth(rounds: number, perHour: (i: number) => number): string[] {
    let state: EnsembleState | undefined;
    let count = 10_000;
    const out: string[] = [];
    for (let i = 0; i < rounds; i++) {
      count += perHour(i) / 60;
      const round = trioRound(`g${i}`, minutes(T0, i), undefined, [{ metrics: { zk_znode_count: Math.round(count) } }]);
      const result = evaluateRound(state, round, settings(), minutes(T0, i));
      state = result.state;
      out.push(...result.evaluation.transitions.filter((t) => t.alertName === 'early-warning').map((t) => `${i} ${t.alertKey} ${t.change}`));
    }
    return out;
  }
  const key = warningKey('znode-growth', TRIO[0]);

  it("a server whose habit is fast growth (12,000 znodes/h, above ν) never warns, not even before its baseline is warm", () => {
    expect(growth(240, () => 12_000)).toEqual([]);
  });

  it('a new runaway on a server that grew slowly warns', () => {
    const changes = growth(240, (i) => (i < 150 ? 500 : 40_000));
    expect(changes[0]).toMatch(new RegExp(`^\\d+ ${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} fired$`));
    expect(Number(changes[0]!.split(' ')[0])).toBeGreaterThan(150);
  });
});
