/**
 * A loopback HTTP receiver that records when each POST arrived, by path, so a benchmark
 * can measure fault → notification delivered for several senders in the same run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  path: string;
  /** Date.now() when the body was complete. */
  at: number;
  body: unknown;
}

export interface WebhookSink {
  url(path: string): string;
  arrivals: Arrival[];
  /** The first arrival on `path` after `since` that `match` accepts, waiting up to `timeoutMs`. */
  waitFor(path: string, since: number, match: (body: unknown) => boolean, timeoutMs: number): Promise<Arrival | undefined>;
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const arrivals: Arrival[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      arrivals.push({ path: req.url ?? '', at, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => `${base}${path}`,
    arrivals,
    async waitFor(path, since, match, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = arrivals.find((a) => a.path === path && a.at >= since && match(a.body));
        if (hit || Date.now() > deadline) return hit;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
