/** Small statistics for benchmark output: medians of repeated runs, not means. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

export const median = (samples: readonly number[]) => quantile(samples, 0.5);

export async function sample(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  return times;
}

export function row(name: string, samples: readonly number[], baseline?: readonly number[]): string {
  const ratio = baseline ? ` | baseline/this ${(median(baseline) / median(samples)).toFixed(2)}` : '';
  return `${name.padEnd(48)} median ${median(samples).toFixed(2).padStart(8)} ms | p90 ${quantile(samples, 0.9).toFixed(2).padStart(8)} ms | n=${samples.length}${ratio}`;
}
