import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Captured {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export const OK: Reply = { status: 200, body: 'ok' };

/** A loopback chat: records every request and answers from `reply(path, n)` (path without its query; n = attempt number on that path). */
export class FakeChat {
  readonly requests: Captured[] = [];
  reply: (path: string, n: number) => Reply = () => OK;
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '';
        this.requests.push({ path, headers: req.headers, body, json: JSON.parse(body) as Record<string, unknown> });
        const reply = this.reply(withoutQuery(path), this.on(withoutQuery(path)).length);
        if (reply === 'hang') return;
        res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string): Captured[] {
    return this.requests.filter((r) => withoutQuery(r.path) === path);
  }

  reset(): void {
    this.requests.length = 0;
    this.reply = () => OK;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function withoutQuery(path: string): string {
  return path.split('?')[0] ?? '';
}
