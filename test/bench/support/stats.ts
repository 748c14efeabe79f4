/** Summaries of repeated measurements: the median of the rounds and their spread, as the table prints them. */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many rounds the summary is of. */
  readonly rounds: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    rounds: values.length,
  };
}

/** The `q` quantile (0–1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Half the min–max range relative to the median, in percent: how much the rounds disagree. */
export function spreadPercent(summary: Summary): number {
  return summary.median === 0 ? 0 : ((summary.max - summary.min) / 2 / summary.median) * 100;
}
