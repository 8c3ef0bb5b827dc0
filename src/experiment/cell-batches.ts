/**
 * Cells go to worker threads in batches, sized so that a batch is worth its message. A
 * message costs the main thread ~50 µs and the worker a wake-up, which a one-day LLM cell
 * (15 ms) does not notice but a two-minute M/M/c cell (~0.5 ms) does: one cell a message,
 * 2 workers ran the M/M/c example's 3 plans × 3,000 seeds slower than one thread (7.2
 * against 6.9 s; AMD EPYC, Node 20, 2026-11-24). The batch size is learned from how long
 * the workers take a cell: the first batch is one cell, and then each batch aims at
 * `BATCH_SECONDS` of work, at most `MAX_BATCH` cells. Which cells share a batch changes
 * nothing in a cell's result.
 */

/** Work a batch aims at: ~100× a message's cost. */
export const BATCH_SECONDS = 0.005;
/** Most cells a batch holds. */
export const MAX_BATCH = 64;

/** A cell of a batch that failed: its place in the batch, and why. */
export interface CellFailure {
  readonly at: number;
  readonly error: unknown;
}

/**
 * What a worker sends back for a batch: each cell's result in order (`null` where the cell
 * failed), the cells that failed, and the seconds it spent on them all. A cell that fails
 * does not take the batch's other cells with it: what they computed is kept.
 */
export interface BatchResult<R> {
  readonly results: readonly (R | null)[];
  readonly failures: readonly CellFailure[];
  readonly seconds: number;
}

/** Runs each of a batch's cells with `run`, a failure kept beside the others' results. */
export function runBatch<T, R>(tasks: readonly T[], run: (task: T) => R, errorToSend: (error: unknown) => unknown): BatchResult<R> {
  const start = performance.now();
  const failures: CellFailure[] = [];
  const results = tasks.map((task, at) => {
    try {
      return run(task);
    } catch (error) {
      failures.push({ at, error: errorToSend(error) });
      return null;
    }
  });
  return { results, failures, seconds: (performance.now() - start) / 1000 };
}

/** The size of a batch that holds about `BATCH_SECONDS` of cells taking `secondsPerCell` each. */
export function batchSize(secondsPerCell: number): number {
  if (!(secondsPerCell > 0)) return MAX_BATCH;
  return Math.max(1, Math.min(MAX_BATCH, Math.round(BATCH_SECONDS / secondsPerCell)));
}

interface Waiting<T, R> {
  readonly task: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Collects cells into batches for `send`. A batch goes out when it is full, or when the
 * caller stops giving cells for a turn of the event loop (it waits for room, or has no
 * more). `onSize` hears each new batch size, so the caller can admit enough cells to fill
 * batches.
 */
export class CellBatches<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private flushQueued = false;
  private size = 1;

  constructor(
    private readonly send: (tasks: T[]) => Promise<BatchResult<R>>,
    private readonly onSize: (size: number) => void = () => {},
  ) {}

  /** The current batch size. */
  get cellsPerBatch(): number {
    return this.size;
  }

  run(task: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ task, resolve, reject });
      if (this.waiting.length >= this.size) this.flush();
      else if (!this.flushQueued) {
        this.flushQueued = true;
        setImmediate(() => {
          this.flushQueued = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    if (this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.send(batch.map((w) => w.task)).then(
      ({ results, failures, seconds }) => {
        this.learn(seconds / batch.length);
        const failed = new Map(failures.map((f) => [f.at, f.error]));
        // In order: a caller may rely on results arriving as the worker made them.
        batch.forEach((w, i) => (failed.has(i) ? w.reject(failed.get(i)) : w.resolve(results[i]!)));
      },
      // The batch as a whole failed (the worker died): no cell of it has a result.
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  }

  private learn(secondsPerCell: number): void {
    const size = batchSize(secondsPerCell);
    if (size === this.size) return;
    this.size = size;
    this.onSize(size);
  }
}
