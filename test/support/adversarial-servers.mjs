// Adversarial "ZooKeeper servers" for test/chaos/adversarial-parsing.chaos.ts, each built
// for a parser's worst case, in a process of their own (their replies are megabytes; the
// probe under test must not share an event loop with the code producing them).
// Each scenario listens twice: a four-letter-word port and an AdminServer HTTP port.
// Prints {scenario: {port, adminPort}} on stdout.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'zk-3.8.0');
const MIB = 1024 * 1024;
/** Just under the probe's 1 MiB reply cap, so every byte is read and parsed. */
const BUDGET = MIB - 4096;
const WORDS = ['ruok', 'srvr', 'stat', 'mntr', 'conf', 'isro', 'envi', 'wchs', 'cons'];
const fixture = (name) => readFileSync(join(FIXTURES, name), 'utf8');
const run = (n) => `${'1'.repeat(Math.max(1, n))}x`;

/** Every number in `text` replaced by a digit run ending in a letter, the runs sharing the reply budget. */
function digitRuns(text) {
  const numbers = text.match(/\d+(\.\d+)?/g)?.length ?? 1;
  const each = Math.floor((BUDGET - text.length) / numbers);
  return text.replace(/\d+(\.\d+)?/g, () => run(each));
}

function digitRunJson(json) {
  const entries = Object.entries(json);
  const each = Math.floor(BUDGET / (entries.length + 1)) - 16;
  return JSON.stringify(Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'number' ? run(each) : v])));
}

const leaderWords = {
  ruok: 'imok',
  srvr: fixture('leader.srvr.txt'),
  stat: fixture('leader.stat.txt'),
  mntr: fixture('leader.mntr.txt'),
  conf: fixture('leader.conf.txt'),
  isro: 'rw',
  envi: fixture('leader.envi.txt'),
  wchs: fixture('leader.wchs.txt'),
  cons: fixture('leader.cons.txt'),
};
const monitor = JSON.parse(fixture('leader.admin-monitor.json'));
const lines = (count, line) => line.repeat(count);
const whitelist = (word) => `${word} is not executed because it is not in the whitelist.\n`;

/** scenario → { words: word → reply, admin: command → body } */
const scenarios = {
  // Long digit runs ending in a letter in every numeric field of every word and of the AdminServer JSON.
  'digit-runs': {
    words: Object.fromEntries(WORDS.map((w) => [w, w === 'ruok' || w === 'isro' ? leaderWords[w] : digitRuns(leaderWords[w])])),
    admin: { monitor: digitRunJson(monitor), leader: JSON.stringify({ command: 'leader', is_leader: true, leader_id: run(200_000), error: null }), ruok: JSON.stringify({ command: 'ruok', error: null }) },
  },
  // One line of just under 1 MiB in every word and in the AdminServer's fields.
  'one-mib-line': {
    words: {
      ruok: 'imok',
      srvr: `Mode: leader\nReceived: ${run(BUDGET - 40)}\n`,
      stat: `Mode: leader\nClients:\n /${run(BUDGET - 40)}[1](queued=0)\n`,
      mntr: `zk_server_state\tleader\nzk_avg_latency\t${run(BUDGET - 60)}\n`,
      conf: `maxClientCnxns=${run(BUDGET - 40)}\n`,
      isro: 'rw',
      envi: `Environment:\njava.version=${'v'.repeat(BUDGET - 40)}\n`,
      wchs: `${run(BUDGET / 2 - 40)} connections watching ${run(BUDGET / 2 - 40)} paths\nTotal watches:1\n`,
      cons: `/${'['.repeat(BUDGET / 2)}1](${'1]('.repeat(BUDGET / 8)}x\n`,
    },
    admin: {
      monitor: JSON.stringify({ command: 'monitor', server_state: 'leader', avg_latency: run(BUDGET - 200), error: null }),
      leader: JSON.stringify({ command: 'leader', is_leader: true, error: null }),
      ruok: JSON.stringify({ command: 'ruok', error: null }),
    },
  },
  // 10⁵ short lines per word (40 000 keys in the AdminServer JSON, as many as fit the cap).
  'short-lines': {
    words: {
      ruok: 'imok',
      srvr: `Mode: leader\n${lines(100_000, 'Sent: 1x\n')}`,
      stat: `Mode: leader\nClients:\n${lines(100_000, '/a[1](x)\n')}`,
      mntr: `zk_server_state\tleader\n${lines(100_000, 'zk_a\t1x\n')}`,
      conf: lines(100_000, 'k=1x\n'),
      isro: 'rw',
      envi: `Environment:\n${lines(100_000, 'k=1x\n')}`,
      wchs: lines(100_000, '1 paths\n'),
      cons: lines(100_000, '/a[1](x)\n'),
    },
    admin: {
      monitor: JSON.stringify({ command: 'monitor', server_state: 'leader', ...Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, `${i}x`])), error: null }),
      leader: JSON.stringify({ command: 'leader', is_leader: true, error: null }),
      ruok: JSON.stringify({ command: 'ruok', error: null }),
    },
  },
  // Words refused by the whitelist, so the probe reads the AdminServer, whose JSON nests 150 000 deep.
  'deep-json': {
    words: Object.fromEntries(WORDS.map((w) => [w, whitelist(w)])),
    admin: {
      monitor: `{"command":"monitor","server_state":"leader","a":${'{"a":'.repeat(150_000)}1${'}'.repeat(150_000)},"error":null}`,
      leader: `${'['.repeat(400_000)}${']'.repeat(400_000)}`,
      ruok: JSON.stringify({ command: 'ruok', error: null }),
    },
  },
};

const ports = {};
for (const [name, scenario] of Object.entries(scenarios)) {
  for (const [word, reply] of Object.entries(scenario.words)) {
    if (reply.length > MIB) throw new Error(`${name}/${word}: ${reply.length} bytes is over the probe's cap`);
  }
  const words = createServer((socket) => {
    socket.on('error', () => undefined);
    let asked = '';
    socket.on('data', (chunk) => {
      asked += chunk.toString('latin1');
      if (asked.length < 4) return;
      socket.end(scenario.words[asked.slice(0, 4)] ?? '');
    });
  });
  const admin = createHttpServer((req, res) => {
    const command = (req.url ?? '').replace('/commands/', '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(scenario.admin[command] ?? '{}');
  });
  await Promise.all([words, admin].map((server) => new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))));
  ports[name] = { port: words.address().port, adminPort: admin.address().port };
}
process.on('disconnect', () => process.exit(0));
process.stdout.write(`${JSON.stringify(ports)}\n`);
