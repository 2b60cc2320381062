/**
 * Webhook secrets for local mode: a JSON file per channel, in the same shape as the
 * Secrets Manager secret, so a channel moves between laptop and stack unchanged.
 */
import { readFile } from 'node:fs/promises';
import type { WebhookSecret } from '../chat/provider.ts';
import { parseWebhookSecret, WebhookSecretError } from '../aws/secrets.ts';

export class FileWebhookSecrets {
  async get(path: string): Promise<WebhookSecret> {
    let raw: string;
    try {
      raw = await readFile(path, 'utf8');
    } catch (err) {
      throw new WebhookSecretError(`secret file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return parseWebhookSecret(raw, `secret file ${path}`);
  }
}
