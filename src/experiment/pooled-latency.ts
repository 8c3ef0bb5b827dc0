/**
 * A plan's latency histograms pooled over its runs as the runs finish, so a long Monte Carlo
 * study keeps one histogram per latency instead of one per run (they are most of what a run
 * weighs in memory). Bucket counts, counts, minima and maxima do not depend on the order runs
 * finish in; the sums do (floating point), so they are added again at the end in seed order
 * (from the run table), and the output stays byte-identical for any number of threads.
 */
import { LogHistogram, packedLength, packHistogram } from '../metrics/index.js';
import type { PlanRunResult } from './simulate-run.js';
import type { RunTable } from './run-table.js';

export class PooledLatencies {
  readonly queueWait = new LogHistogram();
  readonly e2e = new LogHistogram();
  readonly ttft = new LogHistogram();
  readonly tpot = new LogHistogram();
  readonly classes: { e2e: LogHistogram; ttft: LogHistogram }[] = [];

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

  /** Adds a run's histograms as `packLatencies` packs them. */
  addPacked(packed: Float64Array): void {
    let at = this.queueWait.mergePacked(packed, 0);
    at = this.e2e.mergePacked(packed, at);
    at = this.ttft.mergePacked(packed, at);
    at = this.tpot.mergePacked(packed, at);
    for (let k = 0; at < packed.length; k++) {
      const pooled = (this.classes[k] ??= { e2e: new LogHistogram(), ttft: new LogHistogram() });
      at = pooled.e2e.mergePacked(packed, at);
      at = pooled.ttft.mergePacked(packed, at);
    }
  }

  /** Sets every sum to the runs' sums added in seed order (the table's). */
  settleSums(table: RunTable): void {
    const fold = (h: LogHistogram, path: string) => {
      h.sum = table.values(`${path}.sum`, 0).reduce((s, x) => s + x, 0);
    };
    fold(this.queueWait, 'latency.queueWait');
    fold(this.e2e, 'latency.e2e');
    fold(this.ttft, 'latency.ttft');
    fold(this.tpot, 'latency.tpot');
    this.classes.forEach((c, k) => {
      fold(c.e2e, `classes.${k}.latency.e2e`);
      fold(c.ttft, `classes.${k}.latency.ttft`);
    });
  }
}

/**
 * A run's latency histograms packed in one array, in the order `PooledLatencies.addPacked`
 * reads them: sized first and written in place (a growing list of numbers cost a short
 * cell's worker ~60 µs).
 */
export function packLatencies(run: PlanRunResult): Float64Array {
  const histograms = [run.latency.queueWait, run.latency.e2e, run.latency.ttft, run.latency.tpot];
  for (const c of run.classes) histograms.push(c.latency.e2e, c.latency.ttft);
  const out = new Float64Array(histograms.reduce((n, h) => n + packedLength(h), 0));
  let at = 0;
  for (const h of histograms) at = packHistogram(h, out, at);
  return out;
}
