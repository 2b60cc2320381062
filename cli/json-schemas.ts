/**
 * JSON Schemas for the documents an operator writes by hand (the local run config, the
 * thresholds document, the silences list), generated from the zod schemas that validate
 * them, so an editor's completion and the tool cannot disagree. Refinements that JSON
 * Schema cannot say (unique names, server addresses, cross-field rules) are checked only
 * by zk-lookout itself. `npm run config-schema` writes them; a test keeps them current.
 */
import { z } from 'zod';
import { SilencesDocument } from '../functions/contract/silences.ts';
import { ThresholdsDocument } from '../functions/contract/thresholds.ts';
import { LocalConfigSchema } from './local/local-config.ts';

export interface JsonSchemaFile {
  file: string;
  title: string;
  description: string;
  schema: z.ZodType;
  /** The parser drops a top-level `"$schema"` before validating: say so in the schema too. */
  allowsSchemaKey?: boolean;
}

export const JSON_SCHEMA_FILES: readonly JsonSchemaFile[] = [
  { file: 'docs/zk-lookout.local.schema.json', title: 'zk-lookout local config', description: 'zk-lookout run --config FILE: see docs/LOCAL.md', schema: LocalConfigSchema },
  { file: 'docs/thresholds.schema.json', title: 'zk-lookout thresholds document', description: 'thresholds (SSM /zk-lookout/<stage>/thresholds or a local file): see docs/THRESHOLDS.md', schema: ThresholdsDocument, allowsSchemaKey: true },
  { file: 'docs/silences.schema.json', title: 'zk-lookout silences list', description: 'silences (SSM /zk-lookout/<stage>/silences or a local file): see docs/LOCAL.md', schema: SilencesDocument },
];

export function jsonSchemaText(entry: JsonSchemaFile): string {
  const schema = z.toJSONSchema(entry.schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  if (entry.allowsSchemaKey && schema.properties) schema.properties = { $schema: { type: 'string' }, ...schema.properties };
  return `${JSON.stringify({ ...schema, title: entry.title, description: entry.description }, null, 2)}\n`;
}
