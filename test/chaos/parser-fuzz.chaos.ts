/**
 * 100,000 generated replies per four-letter-word parser (all nine words): random bytes,
 * key/value noise, and REAL recorded replies (3.4, 3.8.0, 3.9) mutated line by line
 * (lines dropped, repeated, cut, values replaced, junk inserted, separators swapped).
 * Every parser must return one of its four outcomes, never throw, never return an
 * `ok` without a value, and give the same answer twice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWord } from '../../functions/core/probe/four-letter-words.ts';
import { FourLetterWords, type FourLetterWord } from '../../functions/contract/probe-round.ts';

const RUNS = 100_000;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** Every recorded reply to `word`, from every version's fixtures. */
function recordedReplies(word: FourLetterWord): string[] {
  return readdirSync(FIXTURES)
    .filter((dir) => dir.startsWith('zk-'))
    .flatMap((dir) => readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith(`.${word}.txt`)).map((f) => readFileSync(join(FIXTURES, dir, f), 'utf8')));
}

const junk = fc.string({ unit: 'binary', maxLength: 60 });
type Mutation = (lines: string[]) => string[];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((i): Mutation => (lines) => lines.filter((_, j) => j !== i % Math.max(1, lines.length))),
  fc.nat().map((i): Mutation => (lines) => [...lines, lines[i % Math.max(1, lines.length)] ?? '']),
  fc.tuple(fc.nat(), fc.nat()).map(([i, cut]): Mutation => (lines) => lines.map((l, j) => (j === i % Math.max(1, lines.length) ? l.slice(0, cut % (l.length + 1)) : l))),
  fc.tuple(fc.nat(), junk).map(([i, value]): Mutation => (lines) => lines.map((l, j) => (j === i % Math.max(1, lines.length) ? l.replace(/([\t:=]\s*).*$/, `$1${value}`) : l))),
  fc.tuple(fc.nat(), junk).map(([i, line]): Mutation => (lines) => [...lines.slice(0, i % (lines.length + 1)), line, ...lines.slice(i % (lines.length + 1))]),
  fc.constantFrom<Mutation>((lines) => lines.map((l) => l.replace('\t', ' ')), (lines) => lines.map((l) => l.replace(': ', ':')), (lines) => lines.map((l) => `${l}\r`), (lines) => [...lines].reverse()),
);

function replies(word: FourLetterWord): fc.Arbitrary<string> {
  const recorded = recordedReplies(word);
  const mutated = fc
    .tuple(fc.constantFrom(...recorded), fc.array(mutation, { minLength: 1, maxLength: 6 }))
    .map(([text, mutations]) => mutations.reduce((lines, m) => m(lines), text.split('\n')).join('\n'));
  return fc.oneof(
    { weight: 3, arbitrary: mutated },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\t', ' ', '=', ': ', '/', ':'), fc.string({ maxLength: 20 })), { maxLength: 30 })
        .map((rows) => rows.map(([k, sep, v]) => `${k}${sep}${v}`).join('\n')),
    },
  );
}

describe(`four-letter-word parsers under ${RUNS.toLocaleString('en')} generated replies each`, () => {
  it.each(FourLetterWords)('%s', (word) => {
    expect(recordedReplies(word).length).toBeGreaterThan(0);
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(replies(word), (text) => {
        const parsed = parseWord(word, text);
        outcomes.add(parsed.kind);
        expect(['ok', 'not-serving', 'not-whitelisted', 'malformed']).toContain(parsed.kind);
        if (parsed.kind === 'ok') expect(parsed.value).toBeDefined();
        if (parsed.kind === 'malformed') expect(parsed.reason.length).toBeGreaterThan(0);
        expect(parseWord(word, text)).toEqual(parsed);
      }),
      { numRuns: RUNS },
    );
    // The generators reach both sides of each parser.
    expect(outcomes.has('ok')).toBe(true);
    expect(outcomes.has('malformed')).toBe(true);
  });
});
