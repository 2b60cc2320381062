/**
 * `zk-lookout init`: writes a local run config for the given servers, a file to start
 * from that `zk-lookout run --config` accepts as it is.
 */
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseServerList } from '../../functions/contract/server-address.ts';
import { DEFAULT_SILENCES_FILE, parseLocalConfig } from '../local/local-config.ts';
import { parseCommandOptions, printedHelp } from '../parse-options.ts';
import { intOption, UsageError } from '../usage-error.ts';

export const DEFAULT_CONFIG_FILE = 'zk-lookout.local.json';
const SCHEMA_FILE = 'docs/zk-lookout.local.schema.json';

const HELP = `usage: zk-lookout init --servers host:port[,host:port...] [options]

Writes a local config for zk-lookout run (see docs/LOCAL.md) watching one ensemble, and
says how to run it. Edit it to add ensembles, chat channels or Alertmanager.

options:
  --servers LIST      client ports, comma-separated (required)
  --name NAME         ensemble name (default "zk"; 1-48 of a-z 0-9 -)
  --interval S        seconds between rounds (default 60)
  --out FILE          where to write (default ${DEFAULT_CONFIG_FILE}); never overwritten
  -h, --help          this text

exit codes: 0 written, 64 bad options or the file exists, 70 internal error`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandOptions('init', argv, {
    servers: { type: 'string' },
    name: { type: 'string', default: 'zk' },
    interval: { type: 'string' },
    out: { type: 'string', default: DEFAULT_CONFIG_FILE },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (printedHelp(values, HELP)) return 0;
  if (!values.servers) throw new UsageError('init needs --servers host:port[,host:port...] (see zk-lookout init --help)');
  let servers: string[];
  try {
    servers = parseServerList(values.servers).map((s) => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`));
  } catch (err) {
    throw new UsageError(`--servers: ${(err as Error).message}`);
  }
  const out = resolve(values.out);
  if (existsSync(out)) throw new UsageError(`init: ${values.out} exists; pass --out FILE for another file (it is never overwritten)`);
  const schemaPath = join(packageRoot(), SCHEMA_FILE);
  const schema = relative(dirname(out), schemaPath);
  const config = {
    ...(existsSync(schemaPath) ? { $schema: schema.startsWith('.') || schema.startsWith('/') ? schema : `./${schema}` } : {}),
    ensembles: [{ name: values.name, servers, timeoutMs: 3000, canary: { enabled: true } }],
    intervalSeconds: values.interval === undefined ? 60 : intOption('interval', values.interval, 60, 1, 3600),
    storeDir: '.zk-lookout/store',
    silencesFile: DEFAULT_SILENCES_FILE,
  };
  // The same validation run applies: a bad name fails here, not at the first run.
  try {
    parseLocalConfig(config, values.out);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`, { flag: 'wx' });
  console.log(`wrote ${values.out}; start it with: npx zk-lookout run --config ${values.out} --metrics-port 9464`);
  return 0;
}

/** The checkout bin/zk-lookout runs from (its docs/ hold the schema); else the working folder. */
function packageRoot(): string {
  const bin = process.argv[1];
  if (bin && basename(bin) === 'zk-lookout.mjs') return dirname(dirname(realpathSync(bin)));
  return process.cwd();
}
