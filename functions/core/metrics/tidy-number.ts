/**
 * Numbers as a person (or a scraper's graph) reads them: floating-point noise off
 * (`0.007980000000000001` → `0.00798`), integers untouched however large (zxid counters
 * reach 2³²). Twelve significant digits keep every figure ZooKeeper reports.
 */
export function tidyNumber(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  return Number(value.toPrecision(12));
}

/**
 * The Prometheus text exposition with every sample value tidied. A sample line ends in
 * its value (prom-client writes no timestamps), so the value is the text after the last
 * space; comment lines are left alone.
 */
export function tidyExposition(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('#')) return line;
      const space = line.lastIndexOf(' ');
      if (space < 0) return line;
      const value = Number(line.slice(space + 1));
      if (!Number.isFinite(value) || Number.isInteger(value)) return line;
      return `${line.slice(0, space + 1)}${tidyNumber(value)}`;
    })
    .join('\n');
}
