import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ITEM_DICTIONARIES } from '../../functions/contract/item-dictionaries.ts';
import { packJson, ROUND_ENCODING, STATE_ENCODING, StoredEncodingError, unpackJson } from '../../functions/contract/stored-json.ts';
import { trioRound } from '../support/probe-rounds.ts';

const round = trioRound('r-1', new Date('2026-03-01T12:00:00Z'), ['leader', 'follower', 'unreachable']);

describe('stored JSON', () => {
  it('gives back the value it packed, from bytes or from the base64 text of a stream record', () => {
    const packed = packJson(round, ROUND_ENCODING);
    expect(unpackJson(packed, ROUND_ENCODING, 'item')).toEqual(round);
    expect(unpackJson(Buffer.from(packed).toString('base64'), ROUND_ENCODING, 'item')).toEqual(round);
  });

  it('is much smaller than the JSON text: the dictionary holds what every item repeats', () => {
    const text = Buffer.byteLength(JSON.stringify(round));
    const packed = packJson(round, ROUND_ENCODING).byteLength;
    expect(packed).toBeLessThan(text / 3);
    // The dictionary is what makes it small: plain deflate of the same text is larger.
    expect(packJson(round, STATE_ENCODING).byteLength).toBeGreaterThan(packed);
  });

  it('names an encoding it does not know, and the ones it reads', () => {
    expect(() => unpackJson(packJson(round, ROUND_ENCODING), 'r9', 'item RND#x / R#1')).toThrow(new StoredEncodingError('item RND#x / R#1: encoding "r9" is unknown; this code reads r1, s1'));
  });

  it('says so when the bytes are not what the encoding wrote', () => {
    expect(() => unpackJson(Buffer.from('not deflated at all'), ROUND_ENCODING, 'item')).toThrow(/^item: not r1-deflated data/);
    // Read with the wrong dictionary, the bytes do not inflate to the JSON that was packed.
    expect(() => unpackJson(packJson(round, STATE_ENCODING), ROUND_ENCODING, 'item')).toThrow(StoredEncodingError);
  });

  // A released dictionary is frozen: items written with it must stay readable. A better one
  // is a new id (scripts/item-dictionaries.ts), added next to these.
  it.each([
    ['r1', '9a5d09cea4c84ab000a5232bdb6f4471d045b6432cbbd7ab3c96152631781713'],
    ['s1', 'e9123da87ac280d6794cc552e6687a20364d3bd67f290100f08baf22571e4c53'],
  ] as const)('keeps dictionary %s unchanged', (id, sha256) => {
    expect(createHash('sha256').update(ITEM_DICTIONARIES[id]).digest('hex')).toBe(sha256);
  });
});
