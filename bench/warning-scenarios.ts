/**
 * The early-warning scenario corpus: round series a real ensemble would produce, made from
 * the real ZooKeeper 3.8.0 replies in test/fixtures/zk-3.8.0 with one degradation (or
 * none) applied. Every round goes through the probe's own code: the recorded `srvr`,
 * `mntr`, `conf`, `ruok`, `isro` texts with the scenario's numbers written into them,
 * a `cons` reply listing the scenario's client connections, then `assembleRound`
 * (parsing, classification, ensemble view) and `compactRound` (the stored form the
 * evaluator Lambda reads). Deterministic: a seeded generator, fixed start times.
 *
 * The corpus is stored in test/fixtures/scenarios/<name>.jsonl.gz (`npm run
 * corpus:warning` writes it); the test and `npm run bench:warning` replay the stored files
 * and a test checks that regenerating gives the same bytes.
 *
 * Notes on the replies: the recorded 3.8.0 `mntr` has no `zk_fsync_threshold_exceed_count`
 * (3.4 and 3.9 report it), so the generator adds that line; the client connections of
 * `cons` are grouped per IP as the probe's `clients` field is (ProbeRound v3).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { assembleRound } from '../functions/core/probe/assemble-round.ts';
import type { Exchange, ServerObservation } from '../functions/core/probe/classify-server.ts';
import { compactRound } from '../functions/core/probe/compact-round.ts';
import { parseCons } from '../functions/core/probe/four-letter-words.ts';
import { formatRoundLine, parseRoundLine } from '../functions/core/probe/round-lines.ts';
import type { CanaryResult, ClientConnections, FourLetterWord, ProbeRound } from '../functions/contract/probe-round.ts';

const FIXTURES = new URL('../test/fixtures/zk-3.8.0/', import.meta.url);
export const CORPUS_DIR = new URL('../test/fixtures/scenarios/', import.meta.url);

export const SERVERS = ['zk1:2181', 'zk2:2181', 'zk3:2181'] as const;
const PROBE_IP = '10.0.0.250';
export const MAX_CLIENT_CNXNS = 60;
const MAX_FDS = 1024;
const MINUTE = 60_000;

/** What one server does during one round interval. */
export interface Tick {
  serving: boolean;
  fds: number;
  reads: number;
  readMs: number;
  writes: number;
  writeMs: number;
  jvmPauseMs: number;
  fsyncExceed: number;
  replyMs: number;
  outstanding: number;
  /** Client IP → connections (the probe's own is added). */
  clients: Record<string, number>;
  /** Connections the server closed at once this interval (per-IP limit). */
  rejected: number;
  /** A request slower than any before (lifetime zk_max_latency). */
  slowestMs?: number;
}

/** The truth a replay is scored against. */
export interface ScenarioTruth {
  /** Round index at which the limit is reached (exhaustion, first refusal, ν, rollover); may lie past the last round. */
  limitRound?: number;
  /** Warnings that are right to fire: `signal` or `signal:server`. Any other warning is one that should not have fired. */
  expected: string[];
  /** Alarms that are right to fire (alert names). */
  expectedAlarms?: string[];
}

export interface Scenario {
  name: string;
  description: string;
  rounds: number;
  intervalMs: number;
  start: number;
  truth: ScenarioTruth;
  /** Zxid counter writes per second. */
  writesPerSecond: number;
  startCounter: number;
  tick(round: number, server: number, rng: Rng): Tick;
  /** Resets whatever the scenario's ticks remember, so every generation starts the same. */
  reset?(): void;
  /** Rounds in which the server restarts (comes back with its counters reset). */
  restarts?: Record<number, number[]>;
  /** Leader by round (index into SERVERS). */
  leader?(round: number): number;
}

export type Rng = () => number;

/** Mulberry32: small, fast, deterministic. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const jitter = (r: Rng, x: number) => (r() * 2 - 1) * x;

/** Base clients of server s: 20 application hosts with 1–3 connections each. */
function baseClients(s: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let n = 1; n <= 20; n++) out[`10.1.${s}.${n}`] = 1 + ((n * 7 + s) % 3);
  return out;
}

/** A healthy server's interval. */
export function calm(s: number, r: Rng): Tick {
  const clients = baseClients(s);
  const connections = Object.values(clients).reduce((a, b) => a + b, 0);
  return {
    serving: true,
    fds: 60 + connections + Math.round(jitter(r, 3)),
    reads: 6000 + Math.round(jitter(r, 300)),
    readMs: 2 + jitter(r, 0.3),
    writes: 600 + Math.round(jitter(r, 30)),
    writeMs: 5 + jitter(r, 0.8),
    jvmPauseMs: r() < 0.2 ? Math.round(20 + r() * 60) : 0,
    fsyncExceed: 0,
    replyMs: 2 + r() * 2,
    outstanding: 0,
    clients,
    rejected: 0,
  };
}

// ---- the scenarios -------------------------------------------------------------------

const T0 = Date.parse('2026-03-02T00:00:00Z');
const WARMUP = 180;

export const SCENARIOS: Scenario[] = [
  {
    name: 'fd-leak',
    description: 'zk2 leaks 20 fds/min from ~100 toward the 1024 limit (1-min rounds, after 3 h calm)',
    rounds: WARMUP + 60,
    intervalMs: MINUTE,
    start: T0,
    writesPerSecond: 10,
    startCounter: 1_000_000,
    truth: { limitRound: WARMUP + Math.ceil((MAX_FDS - 100) / 20), expected: ['fd-exhaustion-hours:zk2:2181', 'fd-use:zk2:2181'], expectedAlarms: [] },
    tick(i, s, r) {
      const t = calm(s, r);
      if (s === 1) t.fds = Math.min(MAX_FDS, 100 + Math.max(0, i - WARMUP) * 20 + Math.round(jitter(r, 2)));
      return t;
    },
  },
  {
    name: 'client-ip-leak',
    description: 'on zk1 one client IP (10.9.0.7) opens a session every 30 s and never closes it, toward maxClientCnxns 60',
    rounds: WARMUP + 45,
    intervalMs: MINUTE,
    start: T0,
    writesPerSecond: 10,
    startCounter: 1_000_000,
    truth: { limitRound: WARMUP + 29, expected: ['client-ip-exhaustion-hours:zk1:2181', 'client-ip-use:zk1:2181'], expectedAlarms: ['clients-rejected'] },
    tick(i, s, r) {
      const t = calm(s, r);
      if (s === 0) {
        const wanted = 2 + Math.max(0, i - WARMUP) * 2;
        const held = Math.min(MAX_CLIENT_CNXNS, wanted);
        t.clients = { ...t.clients, '10.9.0.7': held };
        t.fds += held;
        t.rejected = wanted > MAX_CLIENT_CNXNS ? 2 : 0;
      }
      return t;
    },
  },
  {
    name: 'many-ips',
    description: '45 connections from 45 client IPs on zk1 (maxClientCnxns 60): healthy',
    rounds: WARMUP,
    intervalMs: MINUTE,
    start: T0,
    writesPerSecond: 10,
    startCounter: 1_000_000,
    truth: { expected: [] },
    tick(_i, s, r) {
      const t = calm(s, r);
      if (s === 0) {
        t.clients = Object.fromEntries(Array.from({ length: 45 }, (_, n) => [`10.2.${n >> 4}.${n + 1}`, 1]));
        t.fds = 60 + 45;
      }
      return t;
    },
  },
  {
    name: 'zxid-rollover',
    description: '1,000 writes/s: the zxid counter reaches 0xffffffff 72 h after the start',
    rounds: 60 * 60,
    intervalMs: MINUTE,
    start: T0,
    writesPerSecond: 1000,
    startCounter: 0xffffffff - 72 * 3600 * 1000,
    truth: { limitRound: 72 * 60, expected: ['zxid-rollover-hours'] },
    tick: (_i, s, r) => calm(s, r),
  },
  {
    name: 'read-latency-creep',
    description: "zk3's per-interval read latency creeps 2 → 200 ms over 2 h; its lifetime zk_avg_latency stays near 1 ms",
    rounds: WARMUP + 130,
    intervalMs: MINUTE,
    start: T0,
    writesPerSecond: 10,
    startCounter: 1_000_000,
    // ν of read-latency-ms is 100 ms: the creep reaches it (2 + 198·k/120 = 100) at k ≈ 59.4.
    truth: { limitRound: WARMUP + 60, expected: ['read-latency-ms:zk3:2181', 'reply-time-excess-ms:zk3:2181'] },
    tick(i, s, r) {
      const t = calm(s, r);
      if (s === 2 && i >= WARMUP) t.readMs = 2 + (198 * Math.min(120, i - WARMUP)) / 120 + jitter(r, 0.3);
      return t;
    },
  },
  {
    name: 'reply-time-creep',
    description: "zk2 answers the probe ever slower, 1 → 400 ms over 30 min, while its own counters stay calm",
    rounds: WARMUP + 40,
    intervalMs: MINUTE,
    start: T0,
    writesPerSecond: 10,
    startCounter: 1_000_000,
    truth: { limitRound: WARMUP + 30, expected: ['reply-time-excess-ms:zk2:2181'] },
    tick(i, s, r) {
      const t = calm(s, r);
      if (s === 1 && i >= WARMUP) t.replyMs = 1 + (399 * Math.min(30, i - WARMUP)) / 30 + r();
      return t;
    },
  },
  {
    name: 'max-latency-step',
    description: 'one 2,400 ms request on zk1: its lifetime zk_max_latency steps to 2400 and stays',
    rounds: WARMUP + 360,
    intervalMs: MINUTE,
    start: T0,
    writesPerSecond: 10,
    startCounter: 1_000_000,
    truth: { expected: [] },
    tick(i, s, r) {
      const t = calm(s, r);
      if (s === 0 && i === WARMUP) t.slowestMs = 2400;
      return t;
    },
  },
  {
    name: 'second-cause',
    description: 'zk2 leaks fds (a warning fires); 20 min later zk3 starts GC thrashing (8 s of JVM pause a minute)',
    rounds: WARMUP + 50,
    intervalMs: MINUTE,
    start: T0,
    writesPerSecond: 10,
    startCounter: 1_000_000,
    truth: {
      limitRound: WARMUP + Math.ceil((MAX_FDS - 100) / 20),
      expected: ['fd-exhaustion-hours:zk2:2181', 'fd-use:zk2:2181', 'jvm-pause-ms-per-min:zk3:2181', 'reply-time-excess-ms:zk3:2181'],
    },
    tick(i, s, r) {
      const t = calm(s, r);
      if (s === 1) t.fds = Math.min(MAX_FDS, 100 + Math.max(0, i - WARMUP) * 20 + Math.round(jitter(r, 2)));
      if (s === 2 && i >= WARMUP + 20) t.jvmPauseMs = 8000 + Math.round(jitter(r, 500));
      return t;
    },
  },
  noisyWeek(),
];

/**
 * Seven healthy but noisy days at 1-minute rounds: a daily fd cycle 400±150 on 1024,
 * one-round latency spikes, GC pauses (and the probe's reply delayed by them), a rolling
 * restart at 03:00 on day 3 (followers first, then the leader: one election; clients move
 * to the peers and come back over 10 min; fsync bursts after each restart), three
 * unrelated one-round outliers on three servers in a row (day 5, 14:00), per-IP client
 * counts that wander. Nothing here should warn.
 */
function noisyWeek(): Scenario {
  const days = 7;
  const restartAt = 2 * 1440 + 180;
  const downRounds = 2;
  // zk3, then zk2, then the leader zk1; each 15 min apart.
  const downFrom = [restartAt + 30, restartAt + 15, restartAt];
  const restarts: Record<number, number[]> = {};
  downFrom.forEach((from, s) => (restarts[from + downRounds] = [...(restarts[from + downRounds] ?? []), s]));
  const outliers = 4 * 1440 + 14 * 60;
  const spikes = rng(7);
  const spikeRounds = new Map<string, number>();
  // ~4 latency spikes, ~10 GC pauses per server per day, at fixed random rounds.
  for (let s = 0; s < 3; s++) {
    for (let n = 0; n < days * 4; n++) spikeRounds.set(`lat:${s}:${Math.floor(spikes() * days * 1440)}`, 20 + spikes() * 280);
    for (let n = 0; n < days * 10; n++) spikeRounds.set(`gc:${s}:${Math.floor(spikes() * days * 1440)}`, 300 + spikes() * 2200);
  }
  let walk: Record<string, number>[] = [];
  return {
    name: 'noisy-week',
    description: 'seven healthy days: daily fd cycle 400±150/1024, latency spikes, GC pauses, a rolling restart, three one-round outliers in a row, fsync bursts after restarts',
    rounds: days * 1440,
    intervalMs: MINUTE,
    start: T0,
    writesPerSecond: 10,
    startCounter: 1_000_000,
    truth: { expected: [], expectedAlarms: ['server-down'] },
    restarts,
    reset: () => {
      walk = [0, 1, 2].map(baseClients);
    },
    leader: (i) => (i >= downFrom[0]! ? 1 : 0),
    tick(i, s, r) {
      const t = calm(s, r);
      const down = (x: number) => i >= downFrom[x]! && i < downFrom[x]! + downRounds;
      if (down(s)) return { ...t, serving: false };
      // Clients wander by one now and then.
      const ips = Object.keys(walk[s]!);
      if (r() < 0.05) {
        const ip = ips[Math.floor(r() * ips.length)]!;
        walk[s]![ip] = Math.max(1, Math.min(6, walk[s]![ip]! + (r() < 0.5 ? -1 : 1)));
      }
      const clients: Record<string, number> = { ...walk[s]! };
      // A restarted server's clients are on its peers until they drift back over 10 min.
      for (let x = 0; x < 3; x++) {
        const back = downFrom[x]! + downRounds;
        const away = i >= downFrom[x]! && i < back + 10 ? (i < back ? 1 : 1 - (i - back) / 10) : 0;
        if (away <= 0) continue;
        const moving = Object.entries(walk[x]!);
        if (x === s) for (const [ip, c] of moving) clients[ip] = Math.round(c * (1 - away));
        else for (const [ip, c] of moving) clients[ip] = (clients[ip] ?? 0) + Math.round((c * away) / 2);
      }
      for (const ip of Object.keys(clients)) if (clients[ip] === 0) delete clients[ip];
      t.clients = clients;
      const phase = (2 * Math.PI * ((i % 1440) - 6 * 60 + s * 20)) / 1440;
      t.fds = Math.round(400 + 150 * Math.sin(phase) + jitter(r, 8));
      const lat = spikeRounds.get(`lat:${s}:${i}`);
      if (lat !== undefined) t.readMs = lat;
      const gc = spikeRounds.get(`gc:${s}:${i}`);
      if (gc !== undefined) {
        t.jvmPauseMs = Math.round(gc);
        t.replyMs += gc;
      }
      const sinceBack = i - (downFrom[s]! + downRounds);
      if (sinceBack >= 0 && sinceBack < 3) {
        t.fsyncExceed = 8 + Math.floor(r() * 8);
        t.readMs += 10;
        t.replyMs += 30;
      }
      if (i === outliers && s === 0) t.replyMs = 700;
      if (i === outliers + 1 && s === 1) {
        t.jvmPauseMs = 8000;
        t.replyMs = 500;
      }
      if (i === outliers + 2 && s === 2) t.outstanding = 120;
      return t;
    },
  };
}

// ---- rendering rounds from the recorded replies -----------------------------------------

class MntrTemplate {
  private readonly lines: string[];
  private readonly index = new Map<string, number>();
  constructor(text: string) {
    this.lines = text.split('\n').filter((l) => l.length > 0);
    this.lines.forEach((line, n) => this.index.set(line.slice(0, line.indexOf('\t')), n));
  }
  render(values: Record<string, number | string>): string {
    const out = [...this.lines];
    for (const [key, value] of Object.entries(values)) {
      const n = this.index.get(key);
      const line = `${key}\t${value}`;
      if (n === undefined) out.push(line);
      else out[n] = line;
    }
    return `${out.join('\n')}\n`;
  }
}

interface Counters {
  readSum: number;
  readCnt: number;
  updSum: number;
  updCnt: number;
  jvmSum: number;
  jvmCnt: number;
  fsync: number;
  rejected: number;
  lifeSum: number;
  lifeCnt: number;
  lifeMax: number;
  upSince: number;
  packets: number;
}

/** Days of uptime before the scenario: the lifetime average is settled near 1 ms. */
function freshCounters(at: number, longRunning: boolean): Counters {
  const lifeCnt = longRunning ? 4_000_000_000 : 0;
  return {
    readSum: 0,
    readCnt: 0,
    updSum: 0,
    updCnt: 0,
    jvmSum: 0,
    jvmCnt: 0,
    fsync: 0,
    rejected: 0,
    lifeSum: lifeCnt,
    lifeCnt,
    lifeMax: longRunning ? 80 : 0,
    upSince: longRunning ? at - 9 * 86_400_000 : at,
    packets: 0,
  };
}

const word = (text: string, ms: number): Exchange => ({ ok: true, text, ms });
const refused = (source: string): Exchange => ({ ok: false, error: { kind: 'connection-refused', message: 'connect ECONNREFUSED', source }, ms: 1 });

export interface Replies {
  leaderMntr: MntrTemplate;
  followerMntr: MntrTemplate;
  srvr: Record<'leader' | 'follower', string>;
  conf: string;
  ruok: string;
  isro: string;
}

export function loadReplies(): Replies {
  const text = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
  return {
    leaderMntr: new MntrTemplate(text('leader.mntr.txt')),
    followerMntr: new MntrTemplate(text('follower.mntr.txt')),
    srvr: { leader: text('leader.srvr.txt'), follower: text('follower.srvr.txt') },
    conf: text('leader.conf.txt'),
    ruok: text('leader.ruok.txt'),
    isro: text('leader.isro.txt'),
  };
}

/** `cons` as ZooKeeper prints it: one line per connection. */
function consText(clients: Record<string, number>): string {
  const lines = [` /${PROBE_IP}:40000[1](queued=0,recved=1,sent=0)`];
  let port = 40001;
  for (const [ip, count] of Object.entries(clients)) {
    for (let c = 0; c < count; c++) lines.push(` /${ip}:${port++}[1](queued=0,recved=12,sent=12,sid=0x1000${port.toString(16)},lop=GETD,est=1772400000000,to=30000)`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** The round's `clients` from a `cons` reply: connections grouped by client IP, busiest first (ProbeRound v3). */
export function clientsFromCons(text: string): ClientConnections | undefined {
  const parsed = parseCons(text);
  if (parsed.kind !== 'ok') return undefined;
  const perIp = new Map<string, number>();
  for (const c of parsed.value) {
    const ip = c.address.slice(0, c.address.lastIndexOf(':'));
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
  }
  const top = [...perIp.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 5)
    .map(([ip, count]) => ({ ip, count }));
  return { total: parsed.value.length, ips: perIp.size, top };
}

/** The scenario's rounds, as stored (compact). */
export function generateScenario(scenario: Scenario, replies = loadReplies()): ProbeRound[] {
  scenario.reset?.();
  const r = rng(hash(scenario.name));
  const counters = SERVERS.map(() => freshCounters(scenario.start, true));
  const rounds: ProbeRound[] = [];
  let epoch = 5;
  let counter = scenario.startCounter;
  let leader = scenario.leader?.(0) ?? 0;
  for (let i = 0; i < scenario.rounds; i++) {
    const at = scenario.start + i * scenario.intervalMs;
    const nowLeader = scenario.leader?.(i) ?? 0;
    if (nowLeader !== leader) {
      leader = nowLeader;
      epoch += 1;
      counter = 0;
    }
    counter = Math.min(0xffffffff, counter + Math.round((scenario.writesPerSecond * scenario.intervalMs) / 1000));
    for (const s of scenario.restarts?.[i] ?? []) counters[s] = freshCounters(at, false);
    const observations: ServerObservation[] = [];
    const clientsBy: (ClientConnections | undefined)[] = [];
    SERVERS.forEach((address, s) => {
      const t = scenario.tick(i, s, r);
      const c = counters[s] as Counters;
      if (!t.serving) {
        const words: Partial<Record<FourLetterWord, Exchange>> = {};
        for (const w of ['ruok', 'srvr', 'mntr', 'isro', 'conf', 'cons'] as const) words[w] = refused(w);
        observations.push({ address, words, durationMs: 1 });
        clientsBy.push(undefined);
        return;
      }
      const readLatSum = Math.round(t.readMs * t.reads);
      const updLatSum = Math.round(t.writeMs * t.writes);
      c.readSum += readLatSum;
      c.readCnt += t.reads;
      c.updSum += updLatSum;
      c.updCnt += t.writes;
      c.lifeSum += readLatSum + updLatSum;
      c.lifeCnt += t.reads + t.writes;
      c.lifeMax = Math.max(c.lifeMax, t.slowestMs ?? 0, Math.round(t.readMs * 4), Math.round(t.writeMs * 4));
      if (t.jvmPauseMs > 0) {
        c.jvmSum += t.jvmPauseMs;
        c.jvmCnt += 1;
      }
      c.fsync += t.fsyncExceed;
      c.rejected += t.rejected;
      c.packets += t.reads + t.writes;
      const role = s === leader ? 'leader' : 'follower';
      const connections = 1 + Object.values(t.clients).reduce((a, b) => a + b, 0);
      const lag = role === 'leader' ? 0 : Math.floor(r() * 3);
      const zxid = `0x${epoch.toString(16)}${Math.max(0, counter - lag).toString(16).padStart(8, '0')}`;
      const lifeAvg = c.lifeCnt > 0 ? Math.round((c.lifeSum / c.lifeCnt) * 10_000) / 10_000 : 0;
      const readAvgSinceStart = c.readCnt > 0 ? c.readSum / c.readCnt : 0;
      const updAvgSinceStart = c.updCnt > 0 ? c.updSum / c.updCnt : 0;
      const template = role === 'leader' ? replies.leaderMntr : replies.followerMntr;
      const mntr = template.render({
        zk_server_state: role,
        zk_avg_latency: lifeAvg,
        zk_max_latency: c.lifeMax,
        zk_min_latency: 0,
        zk_num_alive_connections: connections,
        zk_outstanding_requests: t.outstanding,
        zk_packets_received: c.packets,
        zk_packets_sent: c.packets,
        zk_open_file_descriptor_count: t.fds,
        zk_max_file_descriptor_count: MAX_FDS,
        zk_uptime: at - c.upSince,
        zk_connection_rejected: c.rejected,
        zk_fsync_threshold_exceed_count: c.fsync,
        zk_znode_count: 5000,
        zk_watch_count: 1200,
        zk_approximate_data_size: 2_000_000,
        zk_avg_readlatency: Math.round(readAvgSinceStart * 10) / 10,
        zk_cnt_readlatency: c.readCnt,
        zk_sum_readlatency: c.readSum,
        // ZooKeeper's quantiles come from a uniform sample since start or srst: they follow the long-run average.
        zk_p99_readlatency: Math.round(readAvgSinceStart * 3),
        zk_avg_updatelatency: Math.round(updAvgSinceStart * 10) / 10,
        zk_cnt_updatelatency: c.updCnt,
        zk_sum_updatelatency: c.updSum,
        zk_p99_updatelatency: Math.round(updAvgSinceStart * 3),
        zk_cnt_jvm_pause_time_ms: c.jvmCnt,
        zk_sum_jvm_pause_time_ms: c.jvmSum,
        ...(role === 'leader' ? { zk_synced_followers: 2, zk_learners: 2, zk_pending_syncs: 0 } : {}),
      });
      const srvr = replies.srvr[role]
        .replace(/^Latency min\/avg\/max: .*$/m, `Latency min/avg/max: 0/${lifeAvg}/${c.lifeMax}`)
        .replace(/^Received: .*$/m, `Received: ${c.packets}`)
        .replace(/^Sent: .*$/m, `Sent: ${c.packets}`)
        .replace(/^Connections: .*$/m, `Connections: ${connections}`)
        .replace(/^Outstanding: .*$/m, `Outstanding: ${t.outstanding}`)
        .replace(/^Zxid: .*$/m, `Zxid: ${zxid}`)
        .replace(/^Node count: .*$/m, 'Node count: 5000');
      const conf = replies.conf.replace(/^maxClientCnxns=.*$/m, `maxClientCnxns=${MAX_CLIENT_CNXNS}`);
      const cons = consText(t.clients);
      const ms = Math.round(t.replyMs * 100) / 100;
      observations.push({
        address,
        words: {
          ruok: word(replies.ruok, ms / 5),
          srvr: word(srvr, ms / 5),
          mntr: word(mntr, ms / 5),
          isro: word(replies.isro, ms / 5),
          conf: word(conf, ms / 5),
        },
        durationMs: ms,
      });
      clientsBy.push(clientsFromCons(cons));
    });
    const canary: CanaryResult = {
      ok: true,
      steps: { connect: round2(4 + r() * 3), create: round2(3 + r()), set: round2(2 + r()), get: round2(0.5 + r() * 0.5), watch: round2(2 + r()), delete: round2(2 + r()), close: 1 },
      totalMs: 0,
    };
    canary.totalMs = round2(Object.values(canary.steps).reduce((a, b) => a + (b ?? 0), 0));
    const assembled = assembleRound({
      ensembleName: scenario.name,
      roundId: `${scenario.name}#${new Date(at).toISOString()}`,
      startedAt: new Date(at).toISOString(),
      durationMs: Math.round(Math.max(...observations.map((o) => o.durationMs)) + 5),
      timeoutMs: 3000,
      observations,
      canary,
    });
    assembled.servers.forEach((server, s) => {
      const clients = clientsBy[s];
      if (clients) server.clients = clients;
    });
    rounds.push(compactRound(assembled));
  }
  return rounds;
}

/** JSON Lines in the export/import/backtest format (`{scheduledAt, round}`), gzipped: `zk-lookout backtest --rounds` reads it after gunzip. */
export function encodeCorpus(rounds: readonly ProbeRound[]): Buffer {
  return gzipSync(`${rounds.map((round) => formatRoundLine({ scheduledAt: round.startedAt, round })).join('\n')}\n`, { level: 9 });
}

export function corpusFile(name: string): URL {
  return new URL(`${name}.jsonl.gz`, CORPUS_DIR);
}

/** The stored rounds of one scenario, read by the same line reader as import and backtest (it upgrades older round versions). */
export function readCorpus(name: string): ProbeRound[] {
  const text = gunzipSync(readFileSync(corpusFile(name))).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l, i) => parseRoundLine(l, i + 1).round);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
