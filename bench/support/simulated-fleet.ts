/**
 * A fleet of simulated ZooKeeper servers in one process, for the scale benchmark: one
 * loopback `net` server per simulated server, replaying the REAL replies recorded from a
 * Debian 3.8.0 ensemble (test/fixtures/zk-3.8.0: leader and follower `ruok`, `srvr`,
 * `mntr`, `isro`, `conf`). Server 1 of each ensemble answers as its leader, the others as
 * followers. Some servers are slow (every reply delayed) and some silent (they accept the
 * connection and never answer, like a SIGSTOPped JVM), so deadlines are exercised at scale.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ServerAddress } from '../../functions/contract/server-address.ts';
import { fixture } from '../../test/support/fixtures.ts';

export type Behaviour = 'healthy' | 'slow' | 'silent';

export interface FleetOptions {
  /** At least this many servers (whole ensembles are added until it is reached). */
  servers: number;
  /** Ensemble sizes, used in turn. @default [3, 5] */
  sizes?: readonly number[];
  /** Every n-th ensemble has one slow server. @default 10 */
  slowEvery?: number;
  /** Every n-th ensemble has one silent server. @default 25 */
  silentEvery?: number;
  /** Delay of a slow server's replies. @default 300 */
  slowMs?: number;
}

export interface SimulatedEnsemble {
  name: string;
  servers: ServerAddress[];
  behaviours: Behaviour[];
}

export interface SimulatedFleet {
  ensembles: SimulatedEnsemble[];
  serverCount: number;
  close(): Promise<void>;
}

const WORDS = ['ruok', 'srvr', 'mntr', 'isro', 'conf'] as const;
const replies = (role: 'leader' | 'follower') => new Map<string, string>(WORDS.map((w) => [w, fixture('zk-3.8.0', `${role}.${w}.txt`)]));

export async function startFleet(options: FleetOptions): Promise<SimulatedFleet> {
  const sizes = options.sizes ?? [3, 5];
  const slowEvery = options.slowEvery ?? 10;
  const silentEvery = options.silentEvery ?? 25;
  const slowMs = options.slowMs ?? 300;
  const byRole = { leader: replies('leader'), follower: replies('follower') };
  const listeners: Server[] = [];
  const sockets = new Set<Socket>();
  const ensembles: SimulatedEnsemble[] = [];
  let serverCount = 0;

  const listen = async (role: 'leader' | 'follower', behaviour: Behaviour): Promise<ServerAddress> => {
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.once('data', (data) => {
        if (behaviour === 'silent') return;
        const reply = byRole[role].get(data.toString('latin1', 0, 4)) ?? '';
        const send = () => socket.end(reply);
        if (behaviour === 'slow') setTimeout(send, slowMs);
        else send();
      });
    });
    listeners.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
  };

  try {
    for (let e = 0; serverCount < options.servers; e++) {
      const size = sizes[e % sizes.length] as number;
      const behaviours: Behaviour[] = Array.from({ length: size }, () => 'healthy');
      // The faulty server is a follower, so the ensemble still has its leader.
      if ((e + 1) % slowEvery === 0) behaviours[1] = 'slow';
      if ((e + 1) % silentEvery === 0) behaviours[size - 1] = 'silent';
      const servers = await Promise.all(behaviours.map((b, i) => listen(i === 0 ? 'leader' : 'follower', b)));
      ensembles.push({ name: `sim-${String(e).padStart(4, '0')}`, servers, behaviours });
      serverCount += size;
    }
  } catch (err) {
    await closeAll(listeners, sockets);
    throw err;
  }
  return { ensembles, serverCount, close: () => closeAll(listeners, sockets) };
}

async function closeAll(listeners: readonly Server[], sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await Promise.all(listeners.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
}
