import { parseArgs } from 'node:util';
import { renderText } from '../../functions/core/deliver/render-text.ts';
import { FileWebhookSecrets } from '../../functions/adapters/file-secrets.ts';
import { openEmbeddedStore } from '../local/embedded-store.ts';
import { loadLocalConfig } from '../local/local-config.ts';
import { LocalNotifier } from '../local/local-notifier.ts';
import { LocalPipeline } from '../local/local-pipeline.ts';
import { statusLine } from '../local/status-line.ts';
import { UsageError } from '../usage-error.ts';

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
  -h, --help      this text`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.config) throw new UsageError('run needs --config FILE (see zk-lookout run --help)');
  const config = loadLocalConfig(values.config);
  const store = await openEmbeddedStore(values.memory ? null : config.storeDir);
  const notifier = new LocalNotifier({
    channels: config.channels,
    secrets: new FileWebhookSecrets(),
    show: (message) => {
      if (values.json) console.log(JSON.stringify({ alert: message }));
      else console.log(`\n${renderText(message)}\n`);
    },
  });
  const pipeline = new LocalPipeline({ config, table: store.table, notifier });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let alarm = false;
  const report = (ticks: Awaited<ReturnType<LocalPipeline['tick']>>) => {
    for (const tick of ticks) {
      alarm ||= Object.values(tick.outcome?.state?.alerts ?? {}).some((a) => a.status === 'firing' && a.level === 'alarm');
      if (values.json) console.log(JSON.stringify({ ensemble: tick.ensembleName, round: tick.round, evaluation: tick.outcome?.evaluation, error: tick.error }));
      else console.log(statusLine(tick, new Date()));
    }
  };
  try {
    if (!values.json) {
      console.log(`zk-lookout: watching ${config.ensembles.map((e) => e.name).join(', ')} every ${config.intervalSeconds} s; store ${values.memory || config.storeDir === null ? 'in memory' : config.storeDir}`);
    }
    if (values.once) report(await pipeline.tick());
    else await pipeline.run(stop.signal, report);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
  if (!values.json && !values.once) console.log('zk-lookout: stopped; store closed');
  return values.once && alarm ? 2 : 0;
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      options: {
        config: { type: 'string' },
        memory: { type: 'boolean', default: false },
        once: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`run: ${(err as Error).message}`);
  }
}
