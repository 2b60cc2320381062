/**
 * The results table a bulk command works on: the DynamoDB table on AWS (`--table NAME
 * [--region R]`, the SDK's default credentials) or a local store folder (`--store DIR`,
 * the embedded store `zk-lookout run` writes).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync } from 'node:fs';
import { ResultsTable } from '../../functions/adapters/aws/results-table.ts';
import { noteAwsResource } from '../aws-errors.ts';
import { UsageError } from '../usage-error.ts';
import { LOCAL_TABLE, openEmbeddedStore } from '../../functions/adapters/local/embedded-store.ts';

export interface ResultsTargetOptions {
  table?: string;
  region?: string;
  store?: string;
  /** For writes: days an imported round lives. @default the table adapter's 14 */
  roundTtlDays?: number;
  /** Reading needs the store folder to exist already (an empty new store would hide a typo). */
  mustExist?: boolean;
}

export interface ResultsTarget {
  client: DynamoDBClient;
  tableName: string;
  table: ResultsTable;
  /** `DynamoDB table NAME` or `local store DIR`, for messages. */
  description: string;
  close(): Promise<void>;
}

export async function openResultsTarget(options: ResultsTargetOptions, command: string): Promise<ResultsTarget> {
  if ((options.table === undefined) === (options.store === undefined)) {
    throw new UsageError(`${command}: give exactly one of --table NAME (DynamoDB) or --store DIR (the local store)`);
  }
  const ttl = options.roundTtlDays === undefined ? {} : { roundTtlDays: options.roundTtlDays };
  if (options.table !== undefined) {
    const client = new DynamoDBClient(options.region ? { region: options.region } : {});
    noteAwsResource({ what: `table ${options.table}`, region: () => client.config.region() });
    return {
      client,
      tableName: options.table,
      table: new ResultsTable({ tableName: options.table, client, ...ttl }),
      description: `DynamoDB table ${options.table}`,
      close: async () => client.destroy(),
    };
  }
  const dir = options.store as string;
  if (options.mustExist && !existsSync(dir)) throw new UsageError(`${command}: no local store at ${dir} (the storeDir of a zk-lookout run config)`);
  const store = await openEmbeddedStore(dir);
  return {
    client: store.client,
    tableName: LOCAL_TABLE,
    table: new ResultsTable({ tableName: LOCAL_TABLE, client: store.client, ...ttl }),
    description: `local store ${dir}`,
    close: () => store.close(),
  };
}
