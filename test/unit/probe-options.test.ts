/**
 * `probeOptionsFor`: the one translation of an ensemble into the prober's arguments, for
 * the probe Lambda, local mode and the `probe`/`check` commands alike.
 */
import { describe, expect, it } from 'vitest';
import { probeOptionsFor } from '../../functions/app/probe-options.ts';

const servers = [
  { host: '10.0.0.1', port: 2181, adminPort: 8080 },
  { host: '10.0.0.2', port: 2181 },
];

describe('probeOptionsFor', () => {
  it('sends the words to the TLS port and keeps the canary on the plain client ports', () => {
    const plan = probeOptionsFor({ name: 'secure', servers, securePort: 2281, canary: { root: '/c' } });
    expect(plan.servers).toEqual([
      { host: '10.0.0.1', port: 2281, adminPort: 8080 },
      { host: '10.0.0.2', port: 2281 },
    ]);
    expect(plan.options).toEqual({ ensembleName: 'secure', tls: true, canary: { root: '/c', connectString: '10.0.0.1:2181,10.0.0.2:2181' } });
  });

  it('probes the given ports as they are without a TLS port, the canary on them too', () => {
    const plan = probeOptionsFor({ name: 'plain', servers, timeoutMs: 500, words: ['ruok'], admin: 'always', canary: { digest: 'u:p', znodeRules: [] } });
    expect(plan.servers).toEqual(servers);
    expect(plan.options).toEqual({ ensembleName: 'plain', tls: false, timeoutMs: 500, words: ['ruok'], admin: 'always', canary: { digest: 'u:p', znodeRules: [] } });
  });

  it('speaks TLS to the given ports when told, trusting the CA given', () => {
    expect(probeOptionsFor({ name: 'a', servers, tls: true }).options).toEqual({ ensembleName: 'a', tls: true });
    expect(probeOptionsFor({ name: 'a', servers, tls: { ca: 'PEM' } }).options).toEqual({ ensembleName: 'a', tls: true, tlsOptions: { ca: 'PEM' } });
  });

  it('runs no canary unless asked', () => {
    expect(probeOptionsFor({ name: 'a', servers }).options.canary).toBeUndefined();
  });
});
