import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { SSMClient } from '@aws-sdk/client-ssm';
import { InvalidSilencesDocumentError, readSilences, updateSilences, type SilencesDocumentStore } from '../../functions/app/silences-document.ts';
import { SilencesFile } from '../../functions/adapters/local/silences-file.ts';
import { SilencesParameter } from '../../functions/adapters/aws/silences-parameter.ts';
import { addSilence, removeSilence, SilenceEditError } from '../../functions/core/evaluate/silence-edits.ts';
import type { Silence } from '../../functions/contract/silences.ts';
import { loadLocalConfig } from '../local/local-config.ts';
import { timeOption } from '../time-option.ts';
import { UsageError } from '../usage-error.ts';
import { parseCommandOptions, printedHelp } from '../parse-options.ts';
import { noteAwsResource } from '../aws-errors.ts';
import { FAILURE_EXIT_CODES } from '../exit-codes.ts';

/** Where local mode's silences go when nothing says otherwise: next to the default store folder. */
export const DEFAULT_SILENCES_FILE = '.zk-lookout/silences.json';

const HELP = `usage: zk-lookout silence add --ensemble E [--server S] [--alert NAME | --signal NAME]
                              --until ISO|+2h --reason TEXT [target]
       zk-lookout silence list [--json] [target]
       zk-lookout silence remove ID [target]

A silence keeps matching alerts from notifying until a time (they are still recorded,
marked silenced). Each gets a short id; expired silences are pruned on every write.

target (the first that applies):
  --file PATH       a local silences file (written atomically)
  --stage S         the SSM parameter /zk-lookout/<S>/silences (SDK default credentials;
                    --region R picks the region)
  --config FILE     the silencesFile of a zk-lookout run config, or without one
                    .zk-lookout/silences.json next to it (which run then reads)
  ZK_LOOKOUT_STAGE  environment variable, as --stage
  otherwise         ${DEFAULT_SILENCES_FILE} in the current folder

add options:
  --ensemble E      ensemble name, or * for all (required)
  --server S        host:port as the alert names it
  --alert NAME      only this alert (server-down, quorum-lost, early-warning, …)
  --signal NAME     only early warnings driven by this signal alone (read-latency-ms, …)
  --until T         ISO time with a zone, or +30m / +2h / +1d from now (required)
  --reason TEXT     why; shown with every suppressed alert (required)
  --by WHO          who (default: the user name)

exit codes: 0 done, 1 no such silence / invalid silence, 64 bad options,
${FAILURE_EXIT_CODES}`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv);
  const [action, ...rest] = positionals;
  if (printedHelp(values, HELP)) return 0;
  if (action !== 'add' && action !== 'list' && action !== 'remove') throw new UsageError(`silence: expected add, list or remove, got "${positionals.join(' ')}"\n\n${HELP}`);
  if (action === 'remove' ? rest.length !== 1 : rest.length !== 0) throw new UsageError(`silence ${action}: unexpected arguments "${rest.join(' ')}"`);
  const store = silencesStore(values);
  const now = new Date();
  try {
    if (action === 'list') return await list(store, now, values.json);
    if (action === 'remove') {
      const id = rest[0] as string;
      const left = await updateSilences(store, (silences) => removeSilence(silences, id, now));
      report(values.json, { removed: id, silences: left.length, target: store.description }, `removed silence ${id} from ${store.description}; ${left.length} left`);
      return 0;
    }
    const silence = silenceFromOptions(values, now);
    let added = silence;
    await updateSilences(store, (silences) => {
      added = { ...silence, id: freshId(silences) };
      return addSilence(silences, added, now);
    });
    report(values.json, { added, target: store.description }, `added silence ${added.id} to ${store.description}: ${describe(added)}`);
    return 0;
  } catch (err) {
    if (err instanceof SilenceEditError || err instanceof InvalidSilencesDocumentError) {
      console.error(`zk-lookout silence ${action}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

type Options = ReturnType<typeof parseOptions>['values'];

function silencesStore(values: Options): SilencesDocumentStore {
  if (values.file !== undefined) return new SilencesFile(values.file);
  const stage = values.stage ?? (values.config === undefined ? process.env.ZK_LOOKOUT_STAGE : undefined);
  if (stage !== undefined) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(stage)) throw new UsageError(`silence: --stage must be 1-64 of A-Z a-z 0-9 _ . -, got "${stage}"`);
    const client = new SSMClient(values.region ? { region: values.region } : {});
    const parameter = new SilencesParameter(stage, client);
    noteAwsResource({ what: `parameter ${parameter.name}`, region: () => client.config.region() });
    return parameter;
  }
  if (values.config !== undefined) {
    // The config's silencesFile, or the default next to it that `run` reads while it exists.
    const config = loadLocalConfig(values.config);
    return new SilencesFile((config.silencesFile ?? config.defaultSilencesFile) as string);
  }
  return new SilencesFile(DEFAULT_SILENCES_FILE);
}

function silenceFromOptions(values: Options, now: Date): Silence {
  const missing = (['ensemble', 'until', 'reason'] as const).filter((k) => values[k] === undefined);
  if (missing.length > 0) throw new UsageError(`silence add: missing ${missing.map((k) => `--${k}`).join(', ')}`);
  if (values.alert !== undefined && values.signal !== undefined) throw new UsageError('silence add: give --alert or --signal, not both');
  const until = timeOption('until', values.until as string, now, true);
  const by = values.by ?? safeUserName();
  return {
    ensemble: values.ensemble as string,
    ...(values.server !== undefined ? { server: values.server } : {}),
    ...(values.alert !== undefined ? { alertName: values.alert as Silence['alertName'] } : {}),
    ...(values.signal !== undefined ? { signal: values.signal as Silence['signal'] } : {}),
    until: until.toISOString(),
    reason: values.reason as string,
    ...(by ? { createdBy: by } : {}),
  };
}

async function list(store: SilencesDocumentStore, now: Date, json: boolean): Promise<number> {
  const { silences } = await readSilences(store);
  if (json) {
    console.log(JSON.stringify(silences.map((s) => ({ ...s, expired: Date.parse(s.until) <= now.getTime() }))));
    return 0;
  }
  if (silences.length === 0) {
    console.log(`no silences in ${store.description}`);
    return 0;
  }
  console.log(`${silences.length} silence(s) in ${store.description}:`);
  for (const s of silences) console.log(`  ${(s.id ?? '-').padEnd(8)} ${describe(s)}${Date.parse(s.until) <= now.getTime() ? '  (expired)' : ''}`);
  return 0;
}

function describe(s: Silence): string {
  const what = [s.alertName ?? (s.signal ? `early-warning by ${s.signal}` : 'every alert'), s.server ? `on ${s.server}` : ''].filter(Boolean).join(' ');
  return `${s.ensemble}: ${what} until ${s.until}: ${s.reason}${s.createdBy ? ` (by ${s.createdBy})` : ''}`;
}

function report(json: boolean, value: unknown, text: string): void {
  console.log(json ? JSON.stringify(value) : text);
}

/** Six hex digits, unique within the list: short enough to type, checked against collisions. */
function freshId(silences: readonly Silence[]): string {
  for (;;) {
    const id = randomBytes(3).toString('hex');
    if (!silences.some((s) => s.id === id)) return id;
  }
}

function safeUserName(): string | undefined {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return undefined;
  }
}

function parseOptions(argv: string[]) {
  return parseCommandOptions('silence', argv, {
    ensemble: { type: 'string' },
    server: { type: 'string' },
    alert: { type: 'string' },
    signal: { type: 'string' },
    until: { type: 'string' },
    reason: { type: 'string' },
    by: { type: 'string' },
    file: { type: 'string' },
    stage: { type: 'string' },
    region: { type: 'string' },
    config: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  }, true);
}
