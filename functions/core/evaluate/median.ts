/**
 * The median of a handful of numbers (reply times, Theil–Sen's slopes and intercepts),
 * several times a round. `[...xs].sort((a, b) => a - b)` spent its time calling the
 * comparator; a stable insertion sort with the same comparison gives the same order
 * whenever that comparison is a consistent order, i.e. for finite numbers. Anything else
 * (NaN, an infinity) is left to the library sort, so the answer stays what it was.
 */
export function median(xs: readonly number[]): number {
  const sorted = sortedCopy(xs);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function sortedCopy(xs: readonly number[]): number[] {
  const out = xs.slice();
  for (let i = 0; i < out.length; i++) {
    const x = out[i] as number;
    if (!Number.isFinite(x)) return [...xs].sort((a, b) => a - b);
    let j = i - 1;
    // Only a strictly greater neighbour moves right: equal numbers keep their order, as in a stable sort.
    while (j >= 0 && (out[j] as number) - x > 0) {
      out[j + 1] = out[j] as number;
      j--;
    }
    out[j + 1] = x;
  }
  return out;
}
