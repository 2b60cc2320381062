/**
 * Writes the JSON Schemas from the zod schemas (unit tests check they are current):
 * docs/zk-lookout.config.schema.json (deployment) and the local config, thresholds and
 * silences schemas (cli/json-schemas.ts).
 */
import { writeFileSync } from 'node:fs';
import { JSON_SCHEMA_FILES, jsonSchemaText } from '../cli/json-schemas.ts';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from '../infra/config/config-json-schema.ts';
import { repoPath } from '../infra/repo-path.ts';

writeFileSync(repoPath(CONFIG_SCHEMA_FILE), configJsonSchema());
console.log(`wrote ${CONFIG_SCHEMA_FILE}`);
for (const entry of JSON_SCHEMA_FILES) {
  writeFileSync(repoPath(entry.file), jsonSchemaText(entry));
  console.log(`wrote ${entry.file}`);
}
