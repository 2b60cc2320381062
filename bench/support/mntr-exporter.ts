/**
 * A small mntr-to-metrics exporter for the detection-latency benchmark, shaped like the
 * community exporters the published ZooKeeper alert rules are written for
 * (dabealu/zookeeper-exporter): on every scrape it asks each server `ruok` and `mntr`,
 * each under its own deadline, and serves per-server gauges on loopback:
 *   zk_up{server}                1 when mntr answered with metrics (the server serves)
 *   zk_ruok{server}              1 when ruok answered imok
 *   zk_server_leader{server}     1 when mntr says zk_server_state leader
 *   zk_server_state{server,state} 1 for the state mntr reports
 * A server that does not answer (killed, paused, no quorum) is zk_up 0 and leader 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMntr, parseRuok } from '../../functions/core/probe/four-letter-words.ts';
import { formatAddress, type ServerAddress } from '../../functions/contract/server-address.ts';
import { askWord } from '../../functions/adapters/zookeeper/four-letter-client.ts';

export interface MntrExporter {
  url: string;
  scrapes: number;
  close(): Promise<void>;
}

interface ServerSample {
  server: string;
  up: boolean;
  ruok: boolean;
  state?: string;
}

async function sampleServer(address: ServerAddress, timeoutMs: number): Promise<ServerSample> {
  const [ruok, mntr] = await Promise.all(
    (['ruok', 'mntr'] as const).map((word) => askWord({ host: address.host, port: address.port, word, timeoutMs })),
  );
  const parsedRuok = ruok?.ok ? parseRuok(ruok.text) : undefined;
  const metrics = mntr?.ok ? parseMntr(mntr.text) : undefined;
  const state = metrics?.kind === 'ok' ? metrics.value.zk_server_state : undefined;
  return {
    server: formatAddress(address),
    up: metrics?.kind === 'ok',
    ruok: parsedRuok?.kind === 'ok' && parsedRuok.value,
    ...(typeof state === 'string' ? { state } : {}),
  };
}

export function renderMetrics(samples: readonly ServerSample[]): string {
  const lines = [
    '# TYPE zk_up gauge',
    ...samples.map((s) => `zk_up{server="${s.server}"} ${s.up ? 1 : 0}`),
    '# TYPE zk_ruok gauge',
    ...samples.map((s) => `zk_ruok{server="${s.server}"} ${s.ruok ? 1 : 0}`),
    '# TYPE zk_server_leader gauge',
    ...samples.map((s) => `zk_server_leader{server="${s.server}"} ${s.state === 'leader' ? 1 : 0}`),
    '# TYPE zk_server_state gauge',
    ...samples.flatMap((s) => (s.state === undefined ? [] : [`zk_server_state{server="${s.server}",state="${s.state}"} 1`])),
  ];
  return `${lines.join('\n')}\n`;
}

export async function startMntrExporter(servers: readonly ServerAddress[], timeoutMs: number): Promise<MntrExporter> {
  const exporter = { url: '', scrapes: 0, close: async () => undefined } as MntrExporter;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    exporter.scrapes++;
    void Promise.all(servers.map((s) => sampleServer(s, timeoutMs))).then((samples) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(renderMetrics(samples));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  exporter.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  exporter.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Prometheus keeps its scrape connection alive; close() alone would wait for it.
      server.closeAllConnections();
    });
  return exporter;
}
