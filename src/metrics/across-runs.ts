/**
 * Summaries of one figure across Monte Carlo runs: mean, sample sd, a 95% confidence
 * interval for the mean (Student t), and the 5th, 50th and 95th percentiles.
 *
 * Imports nothing of the domain.
 */
import { mean, quantileSorted, sampleStandardDeviation } from 'simple-statistics';

export interface AcrossRuns {
  mean: number;
  sd: number;
  ci95: [number, number];
  p5: number;
  p50: number;
  p95: number;
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(degreesOfFreedom: number): number {
  if (degreesOfFreedom < 1) return NaN;
  return T975[degreesOfFreedom - 1] ?? 1.96;
}

/** Summarizes finite values; NaN entries (a figure a run could not measure) are left out. */
export function acrossRuns(values: readonly number[]): AcrossRuns {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { mean: NaN, sd: NaN, ci95: [NaN, NaN], p5: NaN, p50: NaN, p95: NaN };
  const sorted = finite.slice().sort((a, b) => a - b);
  const m = mean(sorted);
  const sd = sorted.length > 1 ? sampleStandardDeviation(sorted) : 0;
  const half = sorted.length > 1 ? (tQuantile975(sorted.length - 1) * sd) / Math.sqrt(sorted.length) : 0;
  return {
    mean: m,
    sd,
    ci95: [m - half, m + half],
    p5: quantileSorted(sorted, 0.05),
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
  };
}

/** A ratio of totals over runs (Σ numerators / Σ denominators) and a 95% interval for it. */
export interface PooledRatio {
  value: number;
  ci95: [number, number];
}

/**
 * The ratio estimator Σy / Σx over runs, with a delta-method 95% interval: the variance of
 * the ratio is that of the residuals y − R·x over n·x̄². Unlike a mean of per-run ratios, it
 * keeps runs whose denominator is zero (their numerator still counts): a cost per success
 * pooled this way does not forget the runs in which nothing succeeded.
 */
export function pooledRatio(numerators: readonly number[], denominators: readonly number[]): PooledRatio {
  const n = numerators.length;
  let sy = 0;
  let sx = 0;
  for (let i = 0; i < n; i++) {
    sy += numerators[i]!;
    sx += denominators[i]!;
  }
  if (!(sx > 0)) return { value: sy > 0 ? Infinity : NaN, ci95: [NaN, NaN] };
  const r = sy / sx;
  if (n < 2) return { value: r, ci95: [r, r] };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (numerators[i]! - r * denominators[i]!) ** 2;
  const meanX = sx / n;
  const half = (tQuantile975(n - 1) * Math.sqrt(ss / (n - 1) / n)) / meanX;
  return { value: r, ci95: [r - half, r + half] };
}
