/**
 * zk-ensemble: a local ZooKeeper ensemble from the shell.
 *   npm run ensemble -- start [--size 3] [--base-port 22000] [--tick-time 200] [--dir DIR] [--whitelist '*']
 *   npm run ensemble -- stop|kill|pause|resume|restart ID --dir DIR
 *   npm run ensemble -- leader|status|down --dir DIR
 */
import { parseArgs } from 'node:util';
import { LocalEnsemble } from './local-ensemble.ts';

const DEFAULT_DIR = '.zk-lookout/ensemble';

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      size: { type: 'string', default: '3' },
      'base-port': { type: 'string' },
      'tick-time': { type: 'string', default: '200' },
      dir: { type: 'string', default: DEFAULT_DIR },
      whitelist: { type: 'string', default: '*' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [verb, idText] = positionals;
  if (values.help || !verb) {
    console.log(
      [
        'usage: npm run ensemble -- <verb> [options]',
        '  start [--size N] [--base-port P] [--tick-time MS] [--whitelist WORDS] [--dir DIR]',
        '  stop ID | kill ID | pause ID | resume ID | restart ID   (one server)',
        '  leader | status | down                                 (down kills every server)',
        `  --dir DIR  where the ensemble lives (default ${DEFAULT_DIR})`,
      ].join('\n'),
    );
    return;
  }
  if (verb === 'start') {
    const ensemble = await LocalEnsemble.start({
      size: Number(values.size),
      basePort: values['base-port'] ? Number(values['base-port']) : undefined,
      tickTime: Number(values['tick-time']),
      dir: values.dir,
      whitelist: values.whitelist,
      outliveProcess: true,
    });
    console.log(`started ${ensemble.servers.length} server(s): ${ensemble.connectString}`);
    console.log(`admin ports: ${ensemble.servers.map((s) => s.adminPort).join(', ')}; state in ${ensemble.dir}`);
    return;
  }
  const ensemble = LocalEnsemble.attach(values.dir);
  const id = Number(idText);
  const needId = () => {
    if (!Number.isInteger(id)) throw new Error(`${verb} needs a server id (1-${ensemble.servers.length})`);
    return id;
  };
  switch (verb) {
    case 'stop':
      return ensemble.stop(needId());
    case 'kill':
      return ensemble.kill(needId());
    case 'pause':
      return ensemble.pause(needId());
    case 'resume':
      return ensemble.resume(needId());
    case 'restart':
      return ensemble.restart(needId());
    case 'leader': {
      const leader = await ensemble.leader();
      console.log(leader === undefined ? 'no single leader' : String(leader));
      return;
    }
    case 'status': {
      for (const [sid, mode] of await ensemble.modes()) {
        console.log(`${sid}\t${ensemble.server(sid).address}\t${mode ?? 'not serving'}`);
      }
      return;
    }
    case 'down':
      return ensemble.close();
    default:
      throw new Error(`unknown verb "${verb}"; see --help`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`zk-ensemble: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
