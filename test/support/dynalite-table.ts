import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, vi } from 'vitest';
import { createResultsTable } from '../../functions/adapters/aws/results-table.ts';

/** A dynalite server of the calling test file's own, closed after its tests. */
export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** Creates a results table (pk/sk strings, on demand) under a fresh name and returns the name. */
  createResultsTable(prefix?: string): Promise<string>;
}

export const TEST_CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };

export async function localDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  });
  let tables = 0;
  return {
    endpoint,
    client,
    async createResultsTable(prefix = 'results') {
      const name = `${prefix}-${++tables}`;
      await createResultsTable(client, name);
      return name;
    },
  };
}

/**
 * The environment a handler under test sees: the table on this dynalite, fake credentials,
 * silent logs, and EMF metrics printed to the console (so a test can read them) or off.
 */
export function stubHandlerEnvironment(dynamo: LocalDynamo, tableName: string, extra: Record<string, string> = {}, { metrics = true } = {}): void {
  const env = {
    RESULTS_TABLE: tableName,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    // With metrics, the stack's opt-in (perEnsembleMetrics) too: the handlers emit EMF only then.
    ...(metrics ? { POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false', PER_ENSEMBLE_METRICS: 'true' } : { POWERTOOLS_METRICS_DISABLED: 'true' }),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...extra,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}
