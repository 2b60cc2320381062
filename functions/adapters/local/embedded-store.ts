/**
 * The embedded store for local mode: dynalite (a DynamoDB wire-protocol server) in this
 * process, persisted to a folder or kept in memory, behind the same `ResultsTable` and
 * delivery ledger adapters the Lambdas use. It listens on loopback only.
 */
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { accessSync, constants, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import type { DeliveryLedger } from '../../app/delivery-ledger.ts';
import { DynamoDeliveryLedger } from '../aws/delivery-ledger.ts';
import { createResultsTable, ResultsTable } from '../aws/results-table.ts';
import { StoreFolderError } from './store-folder-error.ts';

export const LOCAL_TABLE = 'zk-lookout-results';

export interface EmbeddedStore {
  table: ResultsTable;
  /** Which chat channels have which message, next to the outbox (dynalite keeps its items: it has no TTL). */
  ledger: DeliveryLedger;
  client: DynamoDBClient;
  endpoint: string;
  close(): Promise<void>;
}

/** Fails at once, with the folder and the reason, when the folder cannot be written. */
function checkFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new StoreFolderError(`store folder ${dir} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); choose another with "storeDir" or run with --memory`);
  }
}

export async function openEmbeddedStore(dir: string | null): Promise<EmbeddedStore> {
  if (dir !== null) checkFolder(dir);
  const server: Server = dynalite({ createTableMs: 0, ...(dir === null ? {} : { path: dir }) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('embedded store: no port');
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const close = async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    await ensureTable(client);
  } catch (err) {
    await close();
    if (dir !== null) throw new StoreFolderError(`store folder ${dir} cannot be used: ${(err as Error).message}`);
    throw err;
  }
  return { table: new ResultsTable({ tableName: LOCAL_TABLE, client }), ledger: new DynamoDeliveryLedger({ tableName: LOCAL_TABLE, client }), client, endpoint, close };
}

async function ensureTable(client: DynamoDBClient): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  await createResultsTable(client, LOCAL_TABLE);
}
