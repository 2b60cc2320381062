/**
 * Merges async streams that are each sorted by a string key into one sorted stream,
 * reading each only as far as needed: the results table reads one ensemble's rounds from
 * two partitions (the round partition and the older layout's) as one time-ordered list.
 */
export async function* mergeSorted<T>(streams: AsyncIterable<T>[], key: (item: T) => string): AsyncGenerator<T> {
  const iterators = streams.map((s) => s[Symbol.asyncIterator]());
  const heads = await Promise.all(iterators.map((it) => it.next()));
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i]!;
      if (head.done) continue;
      if (best === -1 || key(head.value) < key((heads[best] as IteratorYieldResult<T>).value)) best = i;
    }
    if (best === -1) return;
    yield (heads[best] as IteratorYieldResult<T>).value;
    heads[best] = await iterators[best]!.next();
  }
}
