/**
 * The silence command an alert carries works when pasted as it is: split into words by a
 * real shell, run locally through `npx` in this checkout against the run config that made
 * the alert, and on AWS against the stage and region the evaluator Lambda runs in (SSM
 * stubbed). Afterwards the pipeline that raised the alert sees it silenced.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as silence } from '../../cli/commands/silence.ts';
import { openEmbeddedStore } from '../../functions/adapters/local/embedded-store.ts';
import { loadLocalConfig, silencesFileOf } from '../../cli/local/local-config.ts';
import { LocalPipeline } from '../../cli/local/local-pipeline.ts';
import { buildAlertMessage } from '../../functions/core/deliver/build-alert-message.ts';
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import { parseSilences } from '../../functions/contract/silences.ts';
import { TRANSITION_VERSION } from '../../functions/contract/transition.ts';
import { evaluatorPorts } from '../../functions/adapters/aws/evaluator-ports.ts';
import { freePort } from '../support/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-pasted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The words a POSIX shell makes of the pasted line (it runs `set --` on it and prints them back). */
function shellWords(line: string): string[] {
  const out = execFileSync('sh', ['-c', 'eval "set -- $1"; printf "%s\\0" "$@"', 'sh', line], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

function sh(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', line], { timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}

describe('the silence command pasted from an alert', () => {
  it('locally: names the run config; pasted into a shell in the checkout, it silences what run reads', async () => {
    const configPath = join(dir, 'zk-lookout.local.json');
    writeFileSync(configPath, JSON.stringify({ ensembles: [{ name: 'lab', servers: [`127.0.0.1:${await freePort()}`], timeoutMs: 500, canary: { enabled: false } }], storeDir: null }));
    const config = loadLocalConfig(configPath);
    const store = await openEmbeddedStore(null);
    const messages: AlertMessage[] = [];
    const pipeline = new LocalPipeline({ config, table: store.table, notifier: { publish: async (m) => void messages.push(m) }, configPath });
    try {
      await pipeline.tick();
      const command = messages[0]?.silenceCommand ?? '';
      // One server, refused: quorum lost is the cause (server-down is inhibited by it).
      expect(command).toBe(`npx zk-lookout silence add --ensemble lab --alert quorum-lost --until +2h --reason 'investigating quorum-lost' --config ${configPath}`);

      const before = Date.now();
      const pasted = await sh(command);
      expect(pasted.stderr).toBe('');
      expect(pasted.code).toBe(0);
      expect(pasted.stdout).toMatch(/^added silence [0-9a-f]{6} to /);

      // Written where run reads silences (the config has no silencesFile: the default next to it).
      const file = silencesFileOf(config);
      expect(file).toBe(join(dir, '.zk-lookout', 'silences.json'));
      const parsed = parseSilences(readFileSync(file as string, 'utf8'));
      expect(parsed.ok && parsed.value[0]).toMatchObject({ ensemble: 'lab', alertName: 'quorum-lost' });
      const until = parsed.ok ? Date.parse(parsed.value[0]?.until ?? '') : NaN;
      expect(until - before).toBeGreaterThan(2 * 3600_000 - 60_000);
      expect(until - before).toBeLessThan(2 * 3600_000 + 60_000);

      const [next] = await pipeline.tick();
      const alert = Object.values(next?.outcome?.state?.alerts ?? {}).find((a) => a.alertName === 'quorum-lost');
      expect(alert?.silencedBy).toBeDefined();
    } finally {
      await store.close();
    }
  });

  it('on AWS: names the stage and the Lambda\'s region; pasted, it writes that stage\'s SSM parameter there', async () => {
    const ports = evaluatorPorts({ STAGE: 'prod', RESULTS_TABLE: 'zk-lookout-prod-results', ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts', AWS_REGION: 'eu-west-1' });
    const now = new Date().toISOString();
    const message = buildAlertMessage(
      {
        ensembleName: 'prod-zk',
        roundId: 'r1',
        evaluatedAt: now,
        transitions: [
          { version: TRANSITION_VERSION, ensembleName: 'prod-zk', alertKey: 'quorum-lost', alertName: 'quorum-lost', level: 'alarm', change: 'fired', summary: 'quorum lost', since: now, at: now, roundId: 'r1', signals: [], notify: true },
        ],
      },
      ports.messageOptions,
    );
    const command = message?.silenceCommand ?? '';
    expect(command).toBe("npx zk-lookout silence add --ensemble prod-zk --alert quorum-lost --until +2h --reason 'investigating quorum-lost' --stage prod --region eu-west-1");

    const words = shellWords(command);
    expect(words.slice(0, 3)).toEqual(['npx', 'zk-lookout', 'silence']);
    const ssm = mockClient(SSMClient);
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: {} }));
    ssm.on(PutParameterCommand).resolves({ Version: 1 });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await silence(words.slice(3))).toBe(0);
      const [put] = ssm.commandCalls(PutParameterCommand);
      expect(put?.args[0].input.Name).toBe('/zk-lookout/prod/silences');
      expect(await (put?.thisValue as SSMClient).config.region()).toBe('eu-west-1');
      const parsed = parseSilences(put?.args[0].input.Value ?? '');
      expect(parsed.ok && parsed.value[0]).toMatchObject({ ensemble: 'prod-zk', alertName: 'quorum-lost', reason: 'investigating quorum-lost' });
    } finally {
      ssm.restore();
      vi.restoreAllMocks();
    }
  });
});
