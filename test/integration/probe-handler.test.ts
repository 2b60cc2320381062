import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import type { ProbeScheduleInput } from '../../functions/contract/handler-environment.ts';
import { ResultsTable, roundPartitionKey } from '../../functions/adapters/aws/results-table.ts';
import { roundIdOf } from '../../functions/core/probe/round-slots.ts';
import type { ProbeHandlerResult } from '../../functions/handlers/probe.ts';
import type { LocalEnsemble } from '../../scripts/local-ensemble.ts';
import { localDynamo, stubHandlerEnvironment, type LocalDynamo } from '../support/dynalite-table.ts';
import { privateEnsemble } from '../support/ensembles.ts';

let handler: (event: unknown) => Promise<ProbeHandlerResult>;
let table: ResultsTable;
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await localDynamo();
  const tableName = await dynamo.createResultsTable();
  stubHandlerEnvironment(dynamo, tableName, { ROUND_TTL_DAYS: '3' });
  ({ handler } = await import('../../functions/handlers/probe.ts'));
  table = new ResultsTable({ tableName, client: dynamo.client });
});
afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

const emf = () =>
  vi
    .mocked(console.log)
    .mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)
    .filter((line) => '_aws' in line);

const trio = () => inject('trio').servers.map(({ host, port, adminPort }) => ({ host, port, adminPort }));

async function stored(ensemble: string) {
  const out = [];
  for await (const round of table.queryRounds(ensemble)) out.push(round);
  return out;
}

describe('probe handler', () => {
  it('writes one compact round keyed by the scheduled time, and a retried invocation adds nothing', async () => {
    const event = { ensemble: { name: 'trio', servers: trio(), canary: {} }, scheduledTime: '2026-03-01T12:00:00Z' };
    expect(await handler(event)).toEqual({ written: 1, alreadyWritten: 0 });
    expect(await handler(structuredClone(event))).toEqual({ written: 0, alreadyWritten: 1 });

    const rounds = await stored('trio');
    expect(rounds).toHaveLength(1);
    const [round] = rounds;
    expect(round?.roundId).toBe(roundIdOf('trio', new Date('2026-03-01T12:00:00Z')));
    expect(round?.ensemble).toMatchObject({ size: 3, serving: 3, leaderCount: 1, hasQuorum: true });
    expect(round?.canary?.ok).toBe(true);
    expect(round?.servers.every((s) => s.summary.version === undefined && Object.keys(s.timings).length === 0)).toBe(true);
    expect(emf()).toEqual([
      expect.objectContaining({ service: 'zk-lookout-probe', ensemble: 'trio', ServersServing: 3, LeaderCount: 1, ProbeMs: expect.any(Number), CanaryMs: expect.any(Number) }),
      expect.objectContaining({ ensemble: 'trio', ServersServing: 3 }),
    ]);
  });

  it('accepts the payload the stack schedules and sets the TTL from ROUND_TTL_DAYS', async () => {
    const input: ProbeScheduleInput = {
      ensemble: { name: 'trio-stack', servers: trio(), canary: { root: '/zk-lookout/canary' }, roundsPerInvocation: 1, intervalSeconds: 60 },
      scheduledTime: '2026-03-01T12:05:00Z',
    };
    expect(await handler(input)).toEqual({ written: 1, alreadyWritten: 0 });
    const { Items } = await dynamo.client.send(
      new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: roundPartitionKey('trio-stack') } } }),
    );
    expect(Number(Items?.[0]?.ttl?.N)).toBe(Date.parse('2026-03-01T12:05:00Z') / 1000 + 3 * 86_400);
  });

  it('probes N evenly spaced rounds per invocation', async () => {
    const event = {
      ensemble: { name: 'trio-fast', servers: trio(), roundsPerInvocation: 3, intervalSeconds: 60 },
      // Long past, so the slots are all due and the test does not wait for them.
      scheduledTime: '2026-03-01T12:00:00Z',
    };
    expect(await handler(event)).toEqual({ written: 3, alreadyWritten: 0 });
    expect((await handler(event)).alreadyWritten).toBe(3);
    const rounds = await stored('trio-fast');
    expect(rounds.map((r) => r.roundId)).toEqual(['12:00:00', '12:00:20', '12:00:40'].map((t) => roundIdOf('trio-fast', new Date(`2026-03-01T${t}Z`))));
  });

  it.each([
    [{ ensemble: { name: 'trio', servers: [] } }, 'ensemble.servers: Too small'],
    [{ ensemble: { name: 'trio', servers: [{ host: 'h', port: 70000 }] } }, 'ensemble.servers[0].port: Too big'],
    [{ ensemble: { name: 'bad name!', servers: [{ host: 'h', port: 2181 }] } }, 'ensemble.name: expected 1-64 characters'],
    [{ ensemble: { name: 'trio', servers: [{ host: 'h', port: 2181 }] }, scheduledTime: 'soon' }, 'scheduledTime: Invalid ISO datetime'],
    [{ ensemble: { name: 'trio', servers: [{ host: 'h', port: 2181 }], rounds: 2 } }, 'ensemble: Unrecognized key: "rounds"'],
    [{ detail: {} }, 'ensemble: Invalid input'],
    [{ ensemble: { name: 'trio', servers: [{ host: 'h', port: 2181 }], canary: { znodeRules: [{ check: 'data', path: '/a', regex: '(' }] } } }, 'ensemble.canary.znodeRules[0].regex: is not a valid regular expression'],
  ])('refuses a bad event with an error naming the field: %j', async (event, message) => {
    await expect(handler(event)).rejects.toThrow(message);
    await expect(handler(event)).rejects.toThrow(/^probe event is invalid: /);
  });
});

describe('probe handler with a TLS client port', () => {
  let secure: LocalEnsemble;
  beforeAll(async () => {
    secure = await privateEnsemble({ size: 1, tls: true });
  });

  it('sends the words over TLS to securePort while the canary and its znode rules use the client port', async () => {
    // The test keystore is self-signed; a deployed server's certificate chains to a CA the runtime trusts.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    onTestFinished(() => {
      delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    });
    const { clientPort, securePort } = secure.server(1);
    const input: ProbeScheduleInput = {
      ensemble: {
        name: 'secure',
        servers: [{ host: '127.0.0.1', port: clientPort }],
        securePort,
        canary: { root: '/zk-lookout/canary', znodeRules: [{ check: 'exists', path: '/zookeeper' }, { check: 'absent', path: '/zookeeper/quota' }] },
        roundsPerInvocation: 1,
        intervalSeconds: 60,
      },
      scheduledTime: '2026-03-01T12:10:00Z',
    };
    expect(await handler(input)).toEqual({ written: 1, alreadyWritten: 0 });
    const [round] = await stored('secure');
    expect(round?.servers[0], JSON.stringify(round?.servers[0]?.error)).toMatchObject({ address: `127.0.0.1:${securePort}`, mode: 'standalone', source: 'four-letter-words' });
    expect(round?.canary?.ok).toBe(true);
    expect(round?.znodes?.map((z) => [z.rule, z.status])).toEqual([
      ['exists:/zookeeper', 'ok'],
      ['absent:/zookeeper/quota', 'violated'],
    ]);
  });
});
