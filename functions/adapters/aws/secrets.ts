import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { WebhookSecret } from '../chat/provider.ts';
import { parseAlertmanagerAuth, type AlertmanagerAuth } from '../alertmanager/alertmanager-auth.ts';
import { parseWith } from '../../contract/parse-with.ts';

/** A rotated webhook is picked up within this time; until then each secret costs one call per container. */
export const DEFAULT_SECRET_MAX_AGE_S = 300;

const WebhookSecretSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(1).optional(),
});

export class WebhookSecretError extends Error {
  override name = 'WebhookSecretError';
}

export interface WebhookSecretsOptions {
  /** Injected for tests or another region. @default a new SecretsManagerClient */
  client?: SecretsManagerClient;
  /** @default DEFAULT_SECRET_MAX_AGE_S */
  maxAgeS?: number;
}

/**
 * A JSON secret from Secrets Manager, cached by Powertools (a rotation is picked up within
 * `maxAgeS`) and validated by `parse`. Errors name the secret id and the faulty field,
 * never a value.
 */
class JsonSecrets<T> {
  private readonly provider: SecretsProvider;
  private readonly maxAgeS: number;

  constructor(
    private readonly parse: (raw: string, where: string) => T,
    options: WebhookSecretsOptions,
  ) {
    this.provider = new SecretsProvider({ awsSdkV3Client: options.client ?? new SecretsManagerClient({}) });
    this.maxAgeS = options.maxAgeS ?? DEFAULT_SECRET_MAX_AGE_S;
  }

  async get(secretId: string): Promise<T> {
    return this.parse(await secretString(this.provider, secretId, this.maxAgeS), `secret ${secretId}`);
  }
}

/**
 * Webhook URLs and signing secrets, as JSON `{ "url": "https://…", "secret": "…" }`
 * (secret optional). A webhook URL is a credential: anyone holding it can post.
 */
export class WebhookSecrets extends JsonSecrets<WebhookSecret> {
  constructor(options: WebhookSecretsOptions = {}) {
    super(parseWebhookSecret, options);
  }
}

/** Alertmanager credentials, as JSON `{ "username", "password" }` or `{ "bearerToken" }`. */
export class AlertmanagerSecrets extends JsonSecrets<AlertmanagerAuth> {
  constructor(options: WebhookSecretsOptions = {}) {
    super(parseAlertmanagerAuth, options);
  }
}

/** A secret's SecretString; errors name the secret and the error's type, never a value. */
async function secretString(provider: SecretsProvider, secretId: string, maxAgeS: number): Promise<string> {
  let raw: unknown;
  try {
    raw = await provider.get(secretId, { maxAge: maxAgeS });
  } catch (err) {
    throw new WebhookSecretError(`secret ${secretId}: cannot read it (${(err as Error).name})`);
  }
  if (typeof raw !== 'string') throw new WebhookSecretError(`secret ${secretId}: expected a SecretString holding JSON`);
  return raw;
}

/** Validates a webhook secret's JSON; errors name `where` and the field, never a value. */
export function parseWebhookSecret(raw: string, where: string): WebhookSecret {
  return parseWith(WebhookSecretSchema, raw, where, { error: WebhookSecretError, secret: true });
}
