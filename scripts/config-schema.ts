/** Writes docs/zk-lookout.config.schema.json from the zod schema (a unit test checks it is current). */
import { writeFileSync } from 'node:fs';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from '../infra/config/config-json-schema.ts';
import { repoPath } from '../infra/repo-path.ts';

writeFileSync(repoPath(CONFIG_SCHEMA_FILE), configJsonSchema());
console.log(`wrote ${CONFIG_SCHEMA_FILE}`);
