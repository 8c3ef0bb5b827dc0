/**
 * A plan's latency histograms pooled over its runs as the runs finish, so a long Monte Carlo
 * study keeps one histogram per latency instead of one per run (they are most of what a run
 * weighs in memory). Bucket counts, counts, minima and maxima do not depend on the order runs
 * finish in; the sums do (floating point), so they are added again at the end in the runs'
 * own order, and the output stays byte-identical for any number of threads.
 */
import { LogHistogram, type SerializedHistogram } from '../metrics/index.js';
import type { PlanRunResult } from './simulate-run.js';
import { BAND_FIELDS } from './summary.js';

export class PooledLatencies {
  readonly queueWait = new LogHistogram();
  readonly e2e = new LogHistogram();
  readonly ttft = new LogHistogram();
  readonly tpot = new LogHistogram();
  readonly classes: { e2e: LogHistogram; ttft: LogHistogram }[] = [];

  static of(runs: readonly PlanRunResult[]): PooledLatencies {
    const pool = new PooledLatencies();
    for (const r of runs) pool.add(r);
    return pool;
  }

  add(r: PlanRunResult): void {
    this.queueWait.mergeSerialized(r.latency.queueWait);
    this.e2e.mergeSerialized(r.latency.e2e);
    this.ttft.mergeSerialized(r.latency.ttft);
    this.tpot.mergeSerialized(r.latency.tpot);
    r.classes.forEach((c, k) => {
      const pooled = (this.classes[k] ??= { e2e: new LogHistogram(), ttft: new LogHistogram() });
      pooled.e2e.mergeSerialized(c.latency.e2e);
      pooled.ttft.mergeSerialized(c.latency.ttft);
    });
  }

  /** Sets every sum to the runs' sums added in the order given (seed order). */
  settleSums(runs: readonly PlanRunResult[]): void {
    const fold = (h: LogHistogram, pick: (r: PlanRunResult) => SerializedHistogram | undefined) => {
      h.sum = runs.reduce((s, r) => s + (pick(r)?.sum ?? 0), 0);
    };
    fold(this.queueWait, (r) => r.latency.queueWait);
    fold(this.e2e, (r) => r.latency.e2e);
    fold(this.ttft, (r) => r.latency.ttft);
    fold(this.tpot, (r) => r.latency.tpot);
    this.classes.forEach((c, k) => {
      fold(c.e2e, (r) => r.classes[k]?.latency.e2e);
      fold(c.ttft, (r) => r.classes[k]?.latency.ttft);
    });
  }
}

/**
 * A run without its histograms' buckets (counts, sums, minima and maxima kept) and with
 * only the band's fields of its time series: what a study holds per run once its latencies
 * are pooled. (The representative run's whole series is simulated again at the end.)
 */
export function withoutBuckets(r: PlanRunResult): PlanRunResult {
  const strip = (h: SerializedHistogram): SerializedHistogram => ({ count: h.count, sum: h.sum, min: h.min, max: h.max, buckets: [] });
  return {
    ...r,
    latency: { queueWait: strip(r.latency.queueWait), e2e: strip(r.latency.e2e), ttft: strip(r.latency.ttft), tpot: strip(r.latency.tpot) },
    classes: r.classes.map((c) => ({ ...c, latency: { e2e: strip(c.latency.e2e), ttft: strip(c.latency.ttft) } })),
    timeSeries: r.timeSeries ? { ...r.timeSeries, fields: Object.fromEntries(BAND_FIELDS.filter((f) => r.timeSeries!.fields[f]).map((f) => [f, r.timeSeries!.fields[f]!])) } : undefined,
  };
}
