/**
 * What leaves the probe of a znode's data: its size, version and hashes (per top-level key
 * for a JSON object), and content only up to the bytes a rule opted in to.
 */
import { createHash } from 'node:crypto';
import type { ZnodeDataDigest } from '../../contract/probe-round.ts';
import { statTime, type ZnodeStat } from './znode-stat.ts';

export function znodeDigest(stat: ZnodeStat, data: Buffer, contentBytes: number): ZnodeDataDigest {
  const out: ZnodeDataDigest = {
    version: stat.version,
    mtime: statTime(stat.mtime),
    mzxid: `0x${Math.trunc(stat.mzxid).toString(16)}`,
    size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
  };
  const keys = jsonKeyHashes(data);
  if (keys) out.keyHashes = keys;
  if (contentBytes > 0) out.content = data.subarray(0, contentBytes).toString('utf8');
  return out;
}

/** For a JSON object: a short hash per top-level key, to say which keys changed without saying what to. */
function jsonKeyHashes(data: Buffer): Record<string, string> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const hashes: Record<string, string> = {};
  for (const [key, v] of Object.entries(value).slice(0, 100)) {
    hashes[key] = createHash('sha256').update(JSON.stringify(v) ?? 'undefined').digest('hex').slice(0, 16);
  }
  return hashes;
}
