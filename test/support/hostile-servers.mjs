// Hostile "servers" for test/integration/hostile-servers.test.ts, in a process of their own:
// the native ZooKeeper client in the test process must not share an event loop (and its
// epoll registrations) with the servers whose connections the test counts.
// Prints {name: port} on stdout; answers "count" on IPC with open connections per name.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

const behaviours = {
  silent: () => undefined,
  drip: (socket) => {
    const timer = setInterval(() => socket.write('i'), 1000);
    socket.on('close', () => clearInterval(timer));
  },
  flood: (socket) => socket.end(Buffer.alloc(10 * 1024 * 1024, 'x')),
  garbage: (socket) => socket.end(randomBytes(4096)),
  reset: (socket) => socket.resetAndDestroy(),
  hangup: (socket) => socket.end(),
  // Something else on the port that answers every question the same way.
  'imok-to-all': (socket) => socket.end('imok'),
  // Half an mntr, then nothing.
  'half-reply': (socket) => socket.write('zk_version\t3.8.0-1\nzk_server_state\tleader\nzk_avg_lat'),
};

const open = {};
const ports = {};
for (const [name, behave] of Object.entries(behaviours)) {
  open[name] = new Set();
  const server = createServer((socket) => {
    open[name].add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => open[name].delete(socket));
    // Read (and drop) what the client sends, so its close is seen here.
    socket.resume();
    behave(socket);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports[name] = server.address().port;
}
process.on('message', (message) => {
  if (message === 'count') process.send(Object.fromEntries(Object.entries(open).map(([name, set]) => [name, set.size])));
});
process.on('disconnect', () => process.exit(0));
process.stdout.write(`${JSON.stringify(ports)}\n`);
