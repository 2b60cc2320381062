/**
 * The known name closest to a mistyped one (`forRound` → `forRounds`, `--server` →
 * `--servers`), when it is close enough to be what was meant.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // A third of the length, at least one edit: `tau`→`tua` yes, `nu`→`warnAt` no.
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(input.length / 3)) ? best : undefined;
}

/** `; did you mean "forRounds"?`, or nothing. */
export function didYouMean(input: string, candidates: readonly string[], quote = '"'): string {
  const match = closest(input, candidates);
  return match === undefined ? '' : `; did you mean ${quote}${match}${quote}?`;
}

/** Levenshtein distance with adjacent transpositions, in O(a·b) time and O(b) space. */
function editDistance(a: string, b: string): number {
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prevPrev[j - 2] as number) + 1);
      row.push(d);
    }
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length] as number;
}
