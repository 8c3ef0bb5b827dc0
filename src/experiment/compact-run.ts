/**
 * A run as a worker thread sends it back when the main thread keeps only its figures (a
 * compact study): the numbers `RunTable` stores, in one typed array, and the latency
 * histograms `PooledLatencies` adds, packed in another. A whole `PlanRunResult` is about
 * 35 KB of small objects (each histogram bucket an array of two); the main thread cloned,
 * walked and collected every one of them while the workers waited on it for their next cell.
 *
 * The figures' paths are the same from run to run of a plan, so a worker sends a list of
 * paths once, under a name, and then only the name: the main thread's `ShapeBook` keeps
 * what each worker has named. (A worker's results reach the main thread in the order it
 * sent them, so a name always arrives after its paths.)
 */
import { packLatencies } from './pooled-latency.js';
import { flattenToLists, type ItemLabel } from './run-table.js';
import type { PlanRunResult } from './simulate-run.js';
import type { SerializedSeries } from '../metrics/index.js';

export interface CompactRun {
  readonly kind: 'compact';
  /** The name of the list of paths `values` follows (unique across threads). */
  readonly shape: string;
  /** The paths, the first time this thread sends `shape`. */
  readonly paths: readonly string[] | undefined;
  readonly values: Float64Array;
  readonly labels: readonly ItemLabel[];
  /** queueWait, e2e, ttft, tpot, then each class's e2e and ttft, packed by `packHistogram`. */
  readonly histograms: Float64Array;
  /** The run's time series, when it was asked for. */
  readonly series: SerializedSeries | undefined;
}

/** What a worker thread remembers of the path lists it has named. */
const named = new Map<string, string>();

/** A run made compact in worker thread `threadId` (which names its shapes apart from other threads'), with its time series or without. */
export function compactRun(run: PlanRunResult, threadId: number, withSeries = false): CompactRun {
  const { paths, values, labels } = flattenToLists(run);
  const key = paths.join('\n');
  let shape = named.get(key);
  const fresh = shape === undefined;
  if (shape === undefined) named.set(key, (shape = `${threadId}:${named.size}`));
  return { kind: 'compact', shape, paths: fresh ? paths : undefined, values: Float64Array.from(values), labels, histograms: packLatencies(run), series: withSeries ? run.timeSeries : undefined };
}

/** A compact run with its paths (what `ShapeBook.resolve` gives). */
export type CompactFigures = CompactRun & { readonly paths: readonly string[] };

/** The main thread's side: the path lists workers have named (one book a pool: a name outlives a scenario). */
export class ShapeBook {
  private readonly shapes = new Map<string, readonly string[]>();

  resolve(run: CompactRun): CompactFigures {
    if (run.paths) this.shapes.set(run.shape, run.paths);
    const paths = this.shapes.get(run.shape);
    if (!paths) throw new Error(`a compact run names paths "${run.shape}" that never came`);
    return { ...run, paths };
  }
}

export function isCompact(result: PlanRunResult | CompactRun): result is CompactRun {
  return (result as CompactRun).kind === 'compact';
}
