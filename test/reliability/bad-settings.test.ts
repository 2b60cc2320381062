/**
 * Bad thresholds and silences documents, through both adapters (local files and SSM with
 * the SDK client mocked): every kind gives an error naming the document and the exact
 * place, the last good settings stay in force, and the evaluator raises `config-invalid`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadLocalSettings } from '../../functions/adapters/local/file-settings.ts';
import { SsmSettings } from '../../functions/adapters/aws/ssm-settings.ts';
import { evaluateRound, type EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import { settingsFor } from '../../functions/core/evaluate/settings-snapshot.ts';
import { parseRoundLine } from '../../functions/core/probe/round-lines.ts';

const ssm = mockClient(SSMClient);
const dir = mkdtempSync(join(tmpdir(), 'zk-lookout-bad-settings-'));
afterAll(() => {
  ssm.restore();
  rmSync(dir, { recursive: true, force: true });
});

const GOOD_THRESHOLDS = JSON.stringify({ forRounds: 2, warnAt: 0.6, signals: { 'fd-use': { nu: 0.9 } } });
const GOOD_SILENCES = JSON.stringify([{ ensemble: 'prod', until: '2999-01-01T00:00:00Z', reason: 'kept from the last good version' }]);
const silence = (fields: Record<string, unknown>) => JSON.stringify([{ ensemble: 'prod', until: '2999-01-01T00:00:00Z', reason: 'r', ...fields }]);

interface BadCase {
  name: string;
  document: 'thresholds' | 'silences';
  text: string;
  /** What the error must name (a path or the offending value). */
  names: string;
}

const cases: BadCase[] = [
  { name: 'not JSON', document: 'thresholds', text: '{ "warnAt": 0.5,', names: 'invalid JSON' },
  { name: 'empty document', document: 'thresholds', text: '  ', names: 'empty' },
  { name: 'an array instead of an object', document: 'thresholds', text: '[1, 2]', names: '$' },
  { name: 'warnAt zero', document: 'thresholds', text: '{"warnAt": 0}', names: 'warnAt' },
  { name: 'warnAt above 1', document: 'thresholds', text: '{"warnAt": 1.5}', names: 'warnAt' },
  { name: 'warnAt a string', document: 'thresholds', text: '{"warnAt": "high"}', names: 'warnAt' },
  { name: 'bare NaN', document: 'thresholds', text: '{"warnAt": NaN}', names: 'warnAt: NaN' },
  { name: 'clearAt negative', document: 'thresholds', text: '{"clearAt": -0.1}', names: 'clearAt' },
  { name: 'clearAt above warnAt', document: 'thresholds', text: '{"warnAt": 0.4, "clearAt": 0.6}', names: 'clearAt (0.6) must not be above warnAt (0.4)' },
  { name: 'forRounds zero', document: 'thresholds', text: '{"forRounds": 0}', names: 'forRounds' },
  { name: 'forRounds fractional', document: 'thresholds', text: '{"forRounds": 2.5}', names: 'forRounds' },
  { name: 'repeatEvery in words', document: 'thresholds', text: '{"repeatEvery": "4 hours"}', names: 'repeatEvery' },
  { name: 'repeatEvery in months', document: 'thresholds', text: '{"repeatEvery": "P1M"}', names: 'repeatEvery' },
  { name: 'misspelt top-level key', document: 'thresholds', text: '{"warnAT": 0.5}', names: 'warnAT' },
  { name: 'unknown signal', document: 'thresholds', text: '{"signals": {"latency-avgg": {"nu": 1}}}', names: 'signals.latency-avgg' },
  { name: 'tau zero', document: 'thresholds', text: '{"signals": {"fd-use": {"tau": 0}}}', names: 'signals.fd-use.tau' },
  { name: 'unknown signal mode', document: 'thresholds', text: '{"signals": {"fd-use": {"mode": "sometimes"}}}', names: 'signals.fd-use.mode' },
  { name: 'baseline alpha zero', document: 'thresholds', text: '{"baseline": {"alpha": 0}}', names: 'baseline.alpha' },
  { name: 'baseline warm-up negative', document: 'thresholds', text: '{"baseline": {"warmupRounds": -1}}', names: 'baseline.warmupRounds' },
  { name: 'link not http(s)', document: 'thresholds', text: '{"links": {"dashboard": "ftp://example.com"}}', names: 'links.dashboard' },
  { name: 'bad ensemble name', document: 'thresholds', text: '{"ensembles": {"bad name!": {}}}', names: 'bad name!' },
  { name: 'ensemble override below the stage clearAt', document: 'thresholds', text: '{"ensembles": {"prod": {"warnAt": 0.2}}}', names: 'ensembles.prod' },
  { name: 'description not text', document: 'thresholds', text: '{"description": 5}', names: 'description' },
  { name: 'document over 64 KB', document: 'thresholds', text: JSON.stringify({ description: 'x'.repeat(70_000) }), names: 'the limit is 65536 bytes' },
  { name: 'silences not JSON', document: 'silences', text: '[{"ensemble": ', names: 'invalid JSON' },
  { name: 'silences an object', document: 'silences', text: '{"ensemble": "prod"}', names: '$' },
  { name: 'silence without reason', document: 'silences', text: JSON.stringify([{ ensemble: 'prod', until: '2999-01-01T00:00:00Z' }]), names: '[0].reason' },
  { name: 'silence with empty reason', document: 'silences', text: silence({ reason: '' }), names: 'say why' },
  { name: 'silence until without zone', document: 'silences', text: silence({ until: '2030-01-01T00:00:00' }), names: '[0].until' },
  { name: 'silence until not a time', document: 'silences', text: silence({ until: 'tomorrow' }), names: '[0].until' },
  { name: 'silence of an unknown alert', document: 'silences', text: silence({ alertName: 'disk-full' }), names: '[0].alertName' },
  { name: 'silence of an unknown signal', document: 'silences', text: silence({ signal: 'cpu' }), names: '[0].signal' },
  { name: 'silence with an unknown field', document: 'silences', text: silence({ severity: 'all' }), names: '[0].severity' },
  { name: 'more than 500 silences', document: 'silences', text: JSON.stringify(Array.from({ length: 501 }, () => ({ ensemble: 'p', until: '2999-01-01T00:00:00Z', reason: 'r' }))), names: '$' },
];

const healthyRound = parseRoundLine(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'rounds', 'fault-script.jsonl'), 'utf8').split('\n')[0] as string, 1).round;

/** The settings are the good ones, and evaluating a healthy round with them fires config-invalid naming the problem. */
function expectLastGoodAndConfigInvalid(settings: EvaluationSettings, c: BadCase): void {
  expect(settings.thresholds.forRounds).toBe(2);
  expect(settings.thresholds.warnAt).toBe(0.6);
  expect(settings.silences.map((s) => s.reason)).toEqual(['kept from the last good version']);
  const { evaluation } = evaluateRound(undefined, { ...healthyRound, ensembleName: 'prod' }, settings, new Date(healthyRound.startedAt));
  const configInvalid = evaluation.transitions.find((t) => t.alertName === 'config-invalid');
  expect(configInvalid?.change).toBe('fired');
  expect(configInvalid?.summary).toContain(c.names);
}

describe('bad settings documents', () => {
  it(`cover at least 20 kinds of mistakes (${cases.length})`, () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  describe.each(cases)('$document: $name', (c) => {
    it('from a local file: error names the file and the place, last good kept, config-invalid raised', async () => {
      const thresholdsFile = join(dir, `${c.name.replaceAll(/\W+/g, '-')}.thresholds.json`);
      const silencesFile = join(dir, `${c.name.replaceAll(/\W+/g, '-')}.silences.json`);
      writeFileSync(thresholdsFile, GOOD_THRESHOLDS);
      writeFileSync(silencesFile, GOOD_SILENCES);
      expect((await loadLocalSettings(thresholdsFile, silencesFile)).configProblems).toEqual([]);

      writeFileSync(c.document === 'thresholds' ? thresholdsFile : silencesFile, c.text);
      const snapshot = await loadLocalSettings(thresholdsFile, silencesFile);

      expect(snapshot.configProblems).toHaveLength(1);
      expect(snapshot.configProblems[0]).toContain(c.document === 'thresholds' ? thresholdsFile : silencesFile);
      expect(snapshot.configProblems[0]).toContain(c.names);
      expect(snapshot.configProblems[0]).toContain('(using the last good version)');
      expectLastGoodAndConfigInvalid(settingsFor(snapshot, 'prod'), c);
    });

    describe('from SSM', () => {
      beforeEach(() => ssm.reset());

      it('error names the parameter and the place, is logged, last good kept, config-invalid raised', async () => {
        const values: Record<string, string> = { '/zk-lookout/test/thresholds': GOOD_THRESHOLDS, '/zk-lookout/test/silences': GOOD_SILENCES };
        ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => {
          const value = values[input.Name];
          if (value === undefined) throw new ParameterNotFound({ message: `Parameter ${input.Name} not found`, $metadata: {} });
          return { Parameter: { Name: input.Name, Value: value } };
        });
        const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
        const logged = vi.spyOn(logger, 'error');
        const settings = new SsmSettings({ stage: 'test', client: new SSMClient({}), logger, maxAgeS: 0 });
        expect((await settings.load('prod')).configProblems).toEqual([]);

        const parameter = `/zk-lookout/test/${c.document}`;
        values[parameter] = c.text;
        const loaded = await settings.load('prod');

        expect(loaded.configProblems).toHaveLength(1);
        expect(loaded.configProblems[0]).toContain(parameter);
        expect(loaded.configProblems[0]).toContain(c.names);
        expect(logged).toHaveBeenCalledWith(expect.stringContaining('invalid settings document'), expect.objectContaining({ parameter }));
        expectLastGoodAndConfigInvalid(loaded, c);
      });
    });
  });
});
