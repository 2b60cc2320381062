/**
 * The local config file for `zk-lookout run`: which ensembles to watch, how often, where
 * the store lives, and where alerts go. Validated at start; an error names the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseServerAddress } from '../../functions/contract/server-address.ts';
import { ZnodeRulesSchema } from '../../functions/contract/znode-rules.ts';
import { FourLetterWords } from '../../functions/contract/probe-round.ts';
import { ChannelConfigSchema } from '../../functions/contract/chat-channels.ts';
import { hasUserInfo, userInfoRefused } from '../../functions/contract/credential-free-url.ts';
import { EnsembleName } from '../../functions/contract/ensemble-name.ts';
import { checkValue, readJson } from '../../functions/contract/parse-with.ts';
import { ConfigError } from '../config-error.ts';

const Address = z.string().superRefine((text, ctx) => {
  try {
    parseServerAddress(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const EnsembleSchema = z.strictObject({
  /** Names key the store and the alerts: keep them stable. */
  name: EnsembleName,
  servers: z.array(Address).min(1).max(15),
  /** One AdminServer port for all servers, or one per server in order. */
  adminPorts: z.array(z.int().min(1).max(65535)).optional(),
  timeoutMs: z.int().min(100).max(60_000).default(3000),
  words: z.array(z.enum(FourLetterWords)).optional(),
  tls: z.boolean().default(false),
  canary: z
    .strictObject({
      enabled: z.boolean().default(true),
      root: z.string().startsWith('/').optional(),
      /** A file holding `user:password` for digest auth (kept out of the config itself). */
      digestFile: z.string().optional(),
    })
    .default({ enabled: true }),
  znodeRules: ZnodeRulesSchema.default([]),
});

/**
 * A chat channel as the relay knows it, except that locally `secretId` names a JSON file
 * `{ "url": "...", "secret"?: "..." }`: the same shape as the Secrets Manager secret.
 */
const ChannelSchema = ChannelConfigSchema;

/**
 * Alertmanager as one more delivery target: every firing alert is posted each round (so
 * Alertmanager keeps it) and ended when it resolves.
 */
const AlertmanagerSchema = z.strictObject({
  /** Base URL, e.g. `http://127.0.0.1:9093`; `/api/v2/alerts` is appended. */
  url: z.url({ protocol: /^https?$/ }).refine((url) => !hasUserInfo(url), { error: userInfoRefused('the file named by "authFile"') }),
  /** A JSON file `{ "username", "password" }` or `{ "bearerToken" }` (kept out of the config itself). */
  authFile: z.string().optional(),
  /**
   * How long Alertmanager keeps a firing alert that is not posted again: if zk-lookout
   * stops, its alerts resolve there after this. Default: three intervals, at least a minute.
   */
  endsAfterSeconds: z.number().min(1).max(86_400).optional(),
});

export const LocalConfigSchema = z
  .strictObject({
    /** Where an editor finds this file's JSON Schema (docs/zk-lookout.local.schema.json); ignored by zk-lookout. */
    $schema: z.string().optional(),
    ensembles: z.array(EnsembleSchema).min(1),
    /** Seconds between rounds (the same for every ensemble). */
    intervalSeconds: z.number().min(0.2).max(3600).default(60),
    /** Where the embedded store keeps its data; `null` keeps it in memory. */
    storeDir: z.string().nullable().default('.zk-lookout/store'),
    thresholdsFile: z.string().optional(),
    silencesFile: z.string().optional(),
    channels: z.array(ChannelSchema).default([]),
    links: z.strictObject({ dashboard: z.string().optional(), runbook: z.string().optional() }).default({}),
    alertmanager: AlertmanagerSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.ensembles.forEach((e, i) => {
      if (names.has(e.name)) ctx.addIssue({ code: 'custom', path: ['ensembles', i, 'name'], message: `duplicate ensemble name "${e.name}"` });
      names.add(e.name);
      if (e.adminPorts && e.adminPorts.length !== 1 && e.adminPorts.length !== e.servers.length) {
        ctx.addIssue({ code: 'custom', path: ['ensembles', i, 'adminPorts'], message: `give one port for all servers or one per server (${e.servers.length})` });
      }
    });
  });

export type LocalConfig = z.output<typeof LocalConfigSchema> & {
  /**
   * Without `silencesFile`: `.zk-lookout/silences.json` next to the config, read while it
   * exists, so a `silence add --config FILE` (the command pasted from an alert) always lands
   * where `run` reads.
   */
  defaultSilencesFile?: string;
};

export const DEFAULT_SILENCES_FILE = '.zk-lookout/silences.json';

/** The silences file to read this round: the configured one, or the default while it exists. */
export function silencesFileOf(config: LocalConfig): string | undefined {
  if (config.silencesFile !== undefined) return config.silencesFile;
  return config.defaultSilencesFile !== undefined && existsSync(config.defaultSilencesFile) ? config.defaultSilencesFile : undefined;
}
export type LocalEnsembleConfig = LocalConfig['ensembles'][number];

export class LocalConfigError extends ConfigError {
  override name = 'LocalConfigError';
}

/** Reads and validates a config file; relative file paths inside it are taken from its folder. */
export function loadLocalConfig(path: string): LocalConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new LocalConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  const json = readJson(text);
  if (!json.ok) throw new LocalConfigError(`${path}: not valid JSON at ${json.at}`);
  return parseLocalConfig(json.value, path);
}

export function parseLocalConfig(json: unknown, source: string): LocalConfig {
  const parsed = checkValue(LocalConfigSchema, json);
  if (!parsed.ok) {
    // Every problem at once, one a line: a config is read by a person at a terminal.
    const lines = parsed.errors.map((e) => `  ${e.path === '$' ? '(top level)' : e.path}: ${e.message}`);
    throw new LocalConfigError(`${source} is not a valid zk-lookout config:\n${lines.join('\n')}`);
  }
  const base = dirname(resolve(source));
  const at = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : resolve(base, p));
  const config = parsed.value;
  return {
    ...config,
    storeDir: config.storeDir === null ? null : (at(config.storeDir) as string),
    thresholdsFile: at(config.thresholdsFile),
    silencesFile: at(config.silencesFile),
    ...(config.silencesFile === undefined ? { defaultSilencesFile: resolve(base, DEFAULT_SILENCES_FILE) } : {}),
    channels: config.channels.map((c) => ({ ...c, secretId: at(c.secretId) as string })),
    ...(config.alertmanager ? { alertmanager: { ...config.alertmanager, authFile: at(config.alertmanager.authFile) } } : {}),
    ensembles: config.ensembles.map((e) => ({ ...e, canary: { ...e.canary, digestFile: at(e.canary.digestFile) } })),
  };
}
