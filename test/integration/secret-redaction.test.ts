/**
 * Secrets are redacted by value wherever a response body or error is logged (issue 17):
 * a receiver that echoes the request path (`Cannot POST /services/T0/B0/SECRETTOKEN`), its
 * query, or the bearer token does not get them into the delivery error, for the chat
 * deliver path and the Alertmanager post alike. The receivers are real HTTP servers on
 * loopback that answer the way misbehaving ones do.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAlerts } from '../../functions/adapters/alertmanager/post-alerts.ts';
import { deliver } from '../../functions/adapters/chat/deliver-to-channels.ts';
import { chatProviders } from '../../functions/adapters/chat/index.ts';
import { redactValues, secretsOf } from '../../functions/core/text/redact-secrets.ts';
import { sampleMessage } from '../support/alert-fixtures.ts';

const TOKEN = 'SECRETTOKEN8f3a9c';
const BEARER = 'am-bearer-5e1d77c2';
let server: Server;
let base: string;

/** Answers 404 (chat) or 401 (Alertmanager) with everything it was sent, as careless servers do. */
function echo(req: IncomingMessage): string {
  return `Cannot ${req.method} ${req.url} (authorization: ${req.headers.authorization ?? 'none'}) decoded ${decodeURIComponent(req.url ?? '')}`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(req.url?.startsWith('/api/v2/') ? 401 : 404, { 'content-type': 'text/plain' }).end(echo(req)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = () => ({ deadlineMs: Date.now() + 5000, now: Date.now, sleep: async () => undefined, maxAttempts: 1 });

describe('secrets in logged errors', () => {
  it('chat: a 404 echoing the webhook path and query keeps neither', async () => {
    const url = `${base}/services/T0/B0/${TOKEN}?token=${TOKEN}q&sig=a%2Fb${TOKEN}`;
    const result = await deliver(chatProviders.slack, { name: 'ops', kind: 'slack', secretId: 'x' }, { url }, sampleMessage(), options());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/^HTTP 404: Cannot POST /);
    expect(result.error).not.toContain(TOKEN);
    expect(result.error).not.toContain('/services/T0/B0');
  });

  it('Alertmanager: a 401 echoing the bearer token keeps it out of the thrown error', async () => {
    const error = await postAlerts({ url: `${base}/`, auth: { bearerToken: BEARER } }, [], options()).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('HTTP 401');
    expect((error as Error).message).not.toContain(BEARER);
  });

  it('redacts user info, path segments, query values and header tokens, and leaves plain words', () => {
    const secrets = secretsOf({ url: 'https://user:pa55word@hooks.example/api/webhooks/123456789/Zk-tok_en?key=abcdef123', headers: { authorization: 'Bearer t0ken-value', 'content-type': 'application/json' } });
    const text = redactValues('user pa55word /api/webhooks/123456789/Zk-tok_en 123456789 Zk-tok_en abcdef123 t0ken-value webhooks application/json', secrets);
    expect(text).toBe('user <redacted> <redacted> <redacted> <redacted> <redacted> <redacted> webhooks application/json');
  });
});
