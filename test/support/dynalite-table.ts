import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll } from 'vitest';
import { createResultsTable } from '../../functions/adapters/results-table.ts';

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
