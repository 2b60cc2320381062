import { renderText } from '../../functions/core/deliver/render-text.ts';
import { FileWebhookSecrets } from '../../functions/adapters/local/file-secrets.ts';
import { openEmbeddedStore } from '../../functions/adapters/local/embedded-store.ts';
import { loadLocalConfig } from '../local/local-config.ts';
import { LocalNotifier } from '../local/local-notifier.ts';
import { LocalPipeline } from '../local/local-pipeline.ts';
import { PrometheusOutputs } from '../local/prometheus-outputs.ts';
import { statusLine } from '../local/status-line.ts';
import { intOption, UsageError } from '../usage-error.ts';
import { parseCommandOptions, printedHelp } from '../parse-options.ts';
import { terminalSafe } from '../../functions/core/text/terminal-safe.ts';
import { resolve } from 'node:path';
import { FAILURE_EXIT_CODES } from '../exit-codes.ts';

const HELP = `usage: zk-lookout run --config FILE [options]

Runs the whole pipeline in this process: probes every ensemble of the config each
interval, keeps the rounds in an embedded DynamoDB-compatible store, evaluates them,
and prints alerts (and posts them to the configured chat channels). Thresholds and
silences files are re-read every round. Ctrl-C stops it cleanly.

options:
  --config FILE   the local config (see docs/LOCAL.md); required
  --memory        keep the store in memory instead of the config's storeDir
  --once          one round of every ensemble, then exit (exit code 2 if any alarm fires)
  --json          one JSON object per ensemble per round instead of status lines
  --metrics-port N
                  serve Prometheus metrics on http://HOST:N/metrics (see docs/PROMETHEUS.md)
  --metrics-host HOST
                  address to serve them on (default 127.0.0.1: loopback only)
  -h, --help      this text

Alerts also go to Alertmanager when the config has "alertmanager": { "url": … }.

exit codes: 0 stopped by SIGINT/SIGTERM after finishing its round, 64 bad options,
${FAILURE_EXIT_CODES}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv);
  if (printedHelp(values, HELP)) return 0;
  if (!values.config) throw new UsageError('run needs --config FILE (see zk-lookout run --help)');
  const metricsPort = values['metrics-port'] === undefined ? undefined : intOption('metrics-port', values['metrics-port'], 0, 0, 65535);
  const config = loadLocalConfig(values.config);
  const store = await openEmbeddedStore(values.memory ? null : config.storeDir);
  const notifier = new LocalNotifier({
    channels: config.channels,
    secrets: new FileWebhookSecrets(),
    ledger: store.ledger,
    show: (message) => {
      if (values.json) console.log(JSON.stringify({ alert: message }));
      else console.log(`\n${terminalSafe(renderText(message), true)}\n`);
    },
  });
  const pipeline = new LocalPipeline({ config, table: store.table, notifier, configPath: resolve(values.config) });
  let outputs: PrometheusOutputs | undefined;
  try {
    outputs = await PrometheusOutputs.start({
      config,
      ...(metricsPort !== undefined ? { metrics: { host: values['metrics-host'], port: metricsPort } } : {}),
      warn: (text) => (values.json ? console.log(JSON.stringify({ warning: text })) : console.error(`zk-lookout: ${text}`)),
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let alarm = false;
  const report = (ticks: Awaited<ReturnType<LocalPipeline['tick']>>) => {
    for (const tick of ticks) {
      alarm ||= Object.values(tick.outcome?.state?.alerts ?? {}).some((a) => a.status === 'firing' && a.level === 'alarm');
      if (values.json) console.log(JSON.stringify({ ensemble: tick.ensembleName, round: tick.round, evaluation: tick.outcome?.evaluation, error: tick.error }));
      else console.log(terminalSafe(statusLine(tick, new Date())));
    }
    outputs?.observe(ticks);
  };
  try {
    if (!values.json) {
      console.log(`zk-lookout: watching ${config.ensembles.map((e) => e.name).join(', ')} every ${config.intervalSeconds} s; store ${values.memory || config.storeDir === null ? 'in memory' : config.storeDir}`);
      if (outputs?.endpoint) console.log(`zk-lookout: metrics at ${outputs.endpoint.url}`);
      if (config.alertmanager) console.log(`zk-lookout: alerts also to Alertmanager at ${config.alertmanager.url}`);
    }
    if (values.once) report(await pipeline.tick());
    else await pipeline.run(stop.signal, report);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await outputs?.close();
    await store.close();
  }
  if (!values.json && !values.once) console.log('zk-lookout: stopped; store closed');
  return values.once && alarm ? 2 : 0;
}

function parseOptions(argv: string[]) {
  return parseCommandOptions('run', argv, {
    config: { type: 'string' },
    memory: { type: 'boolean', default: false },
    once: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'metrics-port': { type: 'string' },
    'metrics-host': { type: 'string', default: '127.0.0.1' },
    help: { type: 'boolean', short: 'h', default: false },
  });
}
