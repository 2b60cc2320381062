/**
 * Thresholds and silences from SSM Parameter Store, through Powertools Parameters with a
 * short cache:
 *   /zk-lookout/<stage>/thresholds                   the stage document
 *   /zk-lookout/<stage>/ensembles/<name>/thresholds  optional, overrides for one ensemble
 *   /zk-lookout/<stage>/silences                     the silences list
 * An invalid document (or a failed read) keeps the last good version or the defaults, is
 * logged with its exact path and reason, and comes back in `configProblems`, which raises
 * the `config-invalid` warning. Loading never throws: an alerter must not crash-loop on config.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { EvaluationSettings } from '../../core/evaluate/evaluate-round.ts';
import type { ParseResult } from '../../contract/parse-with.ts';
import { parseKeepingLastGood } from '../../contract/settings-document.ts';
import { settingsFor } from '../../core/evaluate/settings-snapshot.ts';
import { parseSilences, type Silence } from '../../contract/silences.ts';
import { parseThresholds, withEnsembleOverride, type ThresholdsDocument } from '../../contract/thresholds.ts';
import { SettingsParameterNames } from '../../contract/handler-environment.ts';

export const DEFAULT_SETTINGS_MAX_AGE_S = 60;

export interface SsmSettingsOptions {
  /** Deployment stage, the second element of every parameter name. */
  stage: string;
  /** @default a new SSMClient for the Lambda's region */
  client?: SSMClient;
  /** Seconds a parameter (or its absence) is cached. @default 60 */
  maxAgeS?: number;
  /** @default a Logger for service "zk-lookout-evaluator" */
  logger?: Logger;
}

type Read = { kind: 'value'; text: string } | { kind: 'absent' } | { kind: 'failed'; message: string };

export class SsmSettings {
  private readonly provider: SSMProvider;
  private readonly maxAgeS: number;
  private readonly logger: Logger;
  private readonly lastGood = new Map<string, string>();
  /** Absent parameters, until when; Powertools caches only values. */
  private readonly absentUntil = new Map<string, number>();

  constructor(private readonly options: SsmSettingsOptions) {
    this.provider = new SSMProvider({ awsSdkV3Client: options.client ?? new SSMClient({}) });
    this.maxAgeS = options.maxAgeS ?? DEFAULT_SETTINGS_MAX_AGE_S;
    this.logger = options.logger ?? new Logger({ serviceName: 'zk-lookout-evaluator' });
  }

  async load(ensembleName: string): Promise<EvaluationSettings> {
    const problems: string[] = [];
    const stageName = SettingsParameterNames.thresholds(this.options.stage);
    const overrideName = SettingsParameterNames.ensembleThresholds(this.options.stage, ensembleName);
    const silencesName = SettingsParameterNames.silences(this.options.stage);
    const [stageRead, overrideRead, silencesRead] = await Promise.all([this.read(stageName), this.read(overrideName), this.read(silencesName)]);

    let thresholds: ThresholdsDocument = this.document(stageName, stageRead, parseThresholds, problems) ?? {};
    const base = thresholds;
    const merged = this.document(overrideName, overrideRead, (text) => withEnsembleOverride(base, ensembleName, text), problems);
    if (merged) thresholds = merged;
    const silences: Silence[] = this.document(silencesName, silencesRead, parseSilences, problems) ?? [];
    return settingsFor({ thresholds, silences, configProblems: problems }, ensembleName);
  }

  private document<T>(name: string, read: Read, parse: (text: string) => ParseResult<T>, problems: string[]): T | undefined {
    if (read.kind === 'absent') return undefined;
    if (read.kind === 'failed') {
      const previous = this.lastGood.get(name);
      const kept = previous === undefined ? undefined : parse(previous);
      const problem = `${name}: could not read: ${read.message} (using ${kept?.ok ? 'the last good version' : 'the defaults'})`;
      this.logger.error('settings parameter could not be read', { parameter: name, error: read.message });
      problems.push(problem);
      return kept?.ok ? kept.value : undefined;
    }
    const result = parseKeepingLastGood(name, read.text, parse, this.lastGood);
    if (result.problem) {
      this.logger.error('invalid settings document; keeping the last good version or the defaults', { parameter: name, errors: result.errors });
      problems.push(result.problem);
    }
    return result.value;
  }

  private async read(name: string): Promise<Read> {
    const absent = this.absentUntil.get(name);
    if (absent !== undefined && absent > Date.now()) return { kind: 'absent' };
    try {
      const text = await this.provider.get(name, { maxAge: this.maxAgeS });
      if (text === undefined) return { kind: 'absent' };
      return { kind: 'value', text };
    } catch (err) {
      if (isParameterNotFound(err)) {
        this.absentUntil.set(name, Date.now() + this.maxAgeS * 1000);
        return { kind: 'absent' };
      }
      return { kind: 'failed', message: (err as Error).message };
    }
  }
}

function isParameterNotFound(err: unknown): boolean {
  const cause = (err as { cause?: { name?: string } }).cause;
  return (err as Error).name === 'ParameterNotFound' || cause?.name === 'ParameterNotFound';
}

const byStage = new Map<string, SsmSettings>();

/**
 * The handler-facing call: one SsmSettings per stage, reused while the Lambda stays warm.
 * `logger` is the handler's, so settings errors carry its Lambda context and service.
 */
export function loadSettings(stage: string, ensembleName: string, logger?: Logger): Promise<EvaluationSettings> {
  let settings = byStage.get(stage);
  if (!settings) {
    settings = new SsmSettings({ stage, ...(logger ? { logger } : {}) });
    byStage.set(stage, settings);
  }
  return settings.load(ensembleName);
}
