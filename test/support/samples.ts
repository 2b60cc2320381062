import type { Series } from '../../functions/contract/packed-series.ts';

/** `[epoch seconds, value]`: how tests and their reference implementations write a series' samples. */
export type Sample = [number, number];

export function seriesOf(samples: readonly Sample[]): Series {
  return { times: samples.map((s) => s[0]), values: samples.map((s) => s[1]) };
}

export function samplesOf(series: Series): Sample[] {
  return series.times.map((t, i) => [t, series.values[i] as number]);
}
