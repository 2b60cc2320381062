import { beforeAll, describe, expect, it } from 'vitest';
import { askWord } from '../../functions/adapters/zookeeper/four-letter-client.ts';
import { probeEnsemble } from '../../functions/adapters/zookeeper/probe-ensemble.ts';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { privateEnsemble } from '../support/ensembles.ts';
import { expectNoHang } from '../support/hang-guard.ts';

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

  it('the canary and its znode rules use the plain client port given as canary.connectString', async () => {
    const round = await probeEnsemble([{ host: '127.0.0.1', port: securePort }], {
      tls: true,
      timeoutMs: 3000,
      tlsOptions: { rejectUnauthorized: false },
      canary: { connectString: `127.0.0.1:${secure.server(1).clientPort}`, znodeRules: [{ check: 'exists', path: '/zookeeper' }] },
    });
    expect(round.servers[0]).toMatchObject({ address: `127.0.0.1:${securePort}`, mode: 'standalone' });
    expect(round.canary).toMatchObject({ ok: true, steps: { connect: expect.any(Number), delete: expect.any(Number) } });
    expect(round.znodes).toEqual([expect.objectContaining({ rule: 'exists:/zookeeper', status: 'ok', exists: true })]);
  });

  it('without canary.connectString the canary tries the probed (TLS) port and fails within its deadline', async () => {
    const round = await probeEnsemble([{ host: '127.0.0.1', port: securePort }], { tls: true, timeoutMs: 1000, tlsOptions: { rejectUnauthorized: false }, canary: {} });
    expect(round.servers[0]?.mode).toBe('standalone');
    expect(round.canary).toMatchObject({ ok: false, error: { step: 'connect' } });
  });

  it('an untrusted certificate is reported as tls-failed, not as a hang', async () => {
    const reply = await askWord({ host: '127.0.0.1', port: securePort, word: 'ruok', timeoutMs: 3000, tls: true });
    expect(reply).toMatchObject({ ok: false, error: { kind: 'tls-failed' } });
  });

  it('TLS to a plain port fails within the deadline', async () => {
    const started = performance.now();
    const reply = await askWord({ host: '127.0.0.1', port: secure.server(1).clientPort, word: 'ruok', timeoutMs: 1000, tls: { rejectUnauthorized: false } });
    expect(reply.ok).toBe(false);
    expectNoHang(performance.now() - started, 1000);
  });
});
