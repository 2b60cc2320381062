import { beforeAll, describe, expect, it } from 'vitest';
import { askWord } from '../../functions/probe/four-letter-client.ts';
import { probeEnsemble } from '../../functions/probe/probe-ensemble.ts';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { privateEnsemble } from '../support/ensembles.ts';

let secure: LocalEnsemble;
let securePort: number;

beforeAll(async () => {
  secure = await privateEnsemble({ size: 1, tls: true });
  securePort = secure.server(1).securePort as number;
});

describe('four-letter words over TLS (secure client port)', () => {
  it('a round over TLS classifies the server and reads its metrics', async () => {
    // The test keystore is self-signed; an operator passes their CA instead.
    const reply = await askWord({ host: '127.0.0.1', port: securePort, word: 'srvr', timeoutMs: 3000, tls: { rejectUnauthorized: false } });
    expect(reply.ok && reply.text).toMatch(/Mode: standalone/);
    const round = await probeEnsemble([{ host: '127.0.0.1', port: securePort }], { tls: true, timeoutMs: 3000, tlsOptions: { rejectUnauthorized: false } });
    expect(round.servers[0]).toMatchObject({ mode: 'standalone', source: 'four-letter-words' });
    expect(round.servers[0]?.metrics.zk_server_state).toBe('standalone');
  });

  it('an untrusted certificate is reported as tls-failed, not as a hang', async () => {
    const reply = await askWord({ host: '127.0.0.1', port: securePort, word: 'ruok', timeoutMs: 3000, tls: true });
    expect(reply).toMatchObject({ ok: false, error: { kind: 'tls-failed' } });
  });

  it('TLS to a plain port fails within the deadline', async () => {
    const started = performance.now();
    const reply = await askWord({ host: '127.0.0.1', port: secure.server(1).clientPort, word: 'ruok', timeoutMs: 1000, tls: { rejectUnauthorized: false } });
    expect(reply.ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(1100);
  });
});
