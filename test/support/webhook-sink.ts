/**
 * A webhook endpoint for delivery tests: it records the path of every post and refuses
 * (HTTP 400) the paths in `failing`, so a channel can be made to fail and then recover.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

export interface WebhookSink {
  /** `http://127.0.0.1:<port>`: a channel's URL is this plus its path. */
  base: string;
  /** Paths posted to, in order. */
  posts: string[];
  failing: Set<string>;
  count(path: string): number;
}

/** Listens until the calling test file's tests are done. */
export async function webhookSink(failing: Iterable<string> = []): Promise<WebhookSink> {
  const posts: string[] = [];
  const sink = { posts, failing: new Set(failing), count: (path: string) => posts.filter((p) => p === path).length };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const refused = sink.failing.has(req.url ?? '');
      posts.push(req.url ?? '');
      res.statusCode = refused ? 400 : 200;
      res.end(refused ? 'no' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { ...sink, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
