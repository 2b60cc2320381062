/**
 * Debian's Prometheus and Alertmanager as child processes on loopback, for the
 * detection-latency comparison: their own temporary data folders, free ports, no
 * Alertmanager cluster listener, and both always killed by `close()`.
 *
 * The alert rules are the community ZooKeeper rules for mntr-style exporters, as
 * published in samber/awesome-prometheus-alerts ("Zookeeper : dabealu/zookeeper-exporter",
 * mirrored with runbooks in srerun/prometheus-alerts and NexClipper/exporterhub.io):
 * ZookeeperDown `zk_up == 0` for 0m, ZookeeperMissingLeader `sum(zk_server_leader) == 0`
 * for 0m, ZookeeperTooManyLeaders `sum(zk_server_leader) > 1` for 0m, ZookeeperNotOk
 * `zk_ruok == 0` for 3m. Alertmanager keeps its default timing (group_wait 30s,
 * group_interval 5m, repeat_interval 4h) and groups by alertname.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export const ZOOKEEPER_RULES = `groups:
  - name: zookeeper
    rules:
      - alert: ZookeeperDown
        expr: zk_up == 0
        for: 0m
        labels: { severity: critical }
      - alert: ZookeeperMissingLeader
        expr: sum(zk_server_leader) == 0
        for: 0m
        labels: { severity: critical }
      - alert: ZookeeperTooManyLeaders
        expr: sum(zk_server_leader) > 1
        for: 0m
        labels: { severity: critical }
      - alert: ZookeeperNotOk
        expr: zk_ruok == 0
        for: 3m
        labels: { severity: warning }
`;

export interface PrometheusStackOptions {
  /** host:port of the exporter to scrape (path /metrics). */
  exporter: string;
  /** Where Alertmanager posts its webhook. */
  webhookUrl: string;
  /** Scrape and rule evaluation interval. @default 5 */
  intervalSeconds?: number;
}

export interface PrometheusStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  /** Prometheus' instant query; the result vector. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPrometheusStack(options: PrometheusStackOptions): Promise<PrometheusStack> {
  const interval = `${options.intervalSeconds ?? 5}s`;
  const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-prom-'));
  const [promPort, amPort] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'rules.yml'), ZOOKEEPER_RULES);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:
  scrape_interval: ${interval}
  scrape_timeout: 4s
  evaluation_interval: ${interval}
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{ targets: ['127.0.0.1:${amPort}'] }]
scrape_configs:
  - job_name: zookeeper
    static_configs: [{ targets: ['${options.exporter}'] }]
`,
  );
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:
  receiver: bench
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: bench
    webhook_configs:
      - url: '${options.webhookUrl}'
        send_resolved: true
`,
  );
  const children: ChildProcess[] = [];
  const launch = (bin: string, args: string[]) => {
    const child = spawn(bin, args, { cwd: dir, stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const close = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    launch(ALERTMANAGER_BIN, [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ]);
    launch(PROMETHEUS_BIN, [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ]);
    const prometheusUrl = `http://127.0.0.1:${promPort}`;
    const alertmanagerUrl = `http://127.0.0.1:${amPort}`;
    await Promise.all([waitReady(`${prometheusUrl}/-/ready`, children), waitReady(`${alertmanagerUrl}/-/ready`, children)]);
    return {
      prometheusUrl,
      alertmanagerUrl,
      async query(expr) {
        const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(3000) });
        const body = (await res.json()) as { status: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] }; error?: string };
        if (body.status !== 'success' || !body.data) throw new Error(`prometheus query ${expr}: ${body.error ?? res.status}`);
        return body.data.result;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function waitReady(url: string, children: readonly ChildProcess[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exited = children.find((c) => c.exitCode !== null);
    if (exited) throw new Error(`${String(exited.spawnfile)} exited with code ${exited.exitCode} before ${url} was ready`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}
