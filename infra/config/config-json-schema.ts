/**
 * The deployment config as JSON Schema, for editors (`"$schema"` in the config file).
 * Generated from the zod schema so the two cannot disagree; cross-field rules (unique
 * names, one description per VPC, secret prefixes) are checked only at synth.
 */
import { z } from 'zod';
import { deploymentConfigSchema } from './deployment-config.ts';

export const CONFIG_SCHEMA_FILE = 'docs/zk-lookout.config.schema.json';

export function configJsonSchema(): string {
  const schema = z.toJSONSchema(deploymentConfigSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, title: 'zk-lookout deployment config', description: 'zk-lookout.config.json: see docs/DEPLOY.md' }, null, 2)}\n`;
}
