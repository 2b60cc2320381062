/**
 * How the results table stores its JSON: raw deflate with a preset dictionary, in a binary
 * attribute. JSON text is what a round and a state item cost (DynamoDB bills 1 KB per write
 * unit): a compact 3-server round of ~1.8 KB becomes ~250 B and a state item of ~2.5 KB
 * ~550 B, because the dictionary (a representative item, functions/contract/item-dictionaries.ts)
 * already holds the key names and structure every item repeats. One small write per round
 * and per evaluation is then the floor the design promises.
 *
 * An encoding is named by its dictionary id and stored next to the bytes (`enc`): a
 * dictionary never changes once released, a better one is a new id, and every id ever
 * written stays readable.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ITEM_DICTIONARIES, type ItemDictionaryId } from './item-dictionaries.ts';

/** The encodings written now: rounds, and the state item (state with its outbox). */
export const ROUND_ENCODING: ItemDictionaryId = 'r1';
export const STATE_ENCODING: ItemDictionaryId = 's1';

/** Inflated JSON larger than this is refused: no stored item can be (DynamoDB items are ≤ 400 KB). */
const MAX_INFLATED_BYTES = 4 * 1024 * 1024;

const dictionaries = new Map<string, Buffer>(Object.entries(ITEM_DICTIONARIES).map(([id, text]) => [id, Buffer.from(text, 'utf8')]));

export class StoredEncodingError extends Error {
  override name = 'StoredEncodingError';
}

function dictionary(encoding: string, where: string): Buffer {
  const found = dictionaries.get(encoding);
  if (!found) throw new StoredEncodingError(`${where}: encoding ${JSON.stringify(encoding)} is unknown; this code reads ${[...dictionaries.keys()].join(', ')}`);
  return found;
}

export function packJson(value: unknown, encoding: ItemDictionaryId): Uint8Array {
  return deflateRawSync(JSON.stringify(value), { level: 9, memLevel: 9, dictionary: dictionary(encoding, 'packJson') });
}

/**
 * The JSON value in `bytes` (a Uint8Array from the SDK, or the base64 text a DynamoDB
 * stream record carries in Lambda's JSON event).
 */
export function unpackJson(bytes: Uint8Array | string, encoding: string, where: string): unknown {
  const input = typeof bytes === 'string' ? Buffer.from(bytes, 'base64') : bytes;
  let text: string;
  try {
    text = inflateRawSync(input, { dictionary: dictionary(encoding, where), maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8');
  } catch (err) {
    if (err instanceof StoredEncodingError) throw err;
    throw new StoredEncodingError(`${where}: not ${encoding}-deflated data (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new StoredEncodingError(`${where}: inflated text is not JSON (${(err as Error).message})`);
  }
}
