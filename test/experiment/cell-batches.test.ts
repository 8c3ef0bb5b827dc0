import { describe, expect, it } from 'vitest';
import { BATCH_SECONDS, batchSize, CellBatches, MAX_BATCH, runBatch } from '../../src/experiment/cell-batches.js';

describe('batchSize', () => {
  it('holds about BATCH_SECONDS of cells, at least one and at most MAX_BATCH', () => {
    expect(batchSize(BATCH_SECONDS)).toBe(1);
    expect(batchSize(1)).toBe(1);
    expect(batchSize(BATCH_SECONDS / 8)).toBe(8);
    expect(batchSize(BATCH_SECONDS / 7.6)).toBe(8);
    expect(batchSize(BATCH_SECONDS / 1000)).toBe(MAX_BATCH);
    expect(batchSize(0)).toBe(MAX_BATCH);
    expect(batchSize(NaN)).toBe(MAX_BATCH);
  });
});

/** A worker that squares numbers, taking `secondsPerCell` each (cell `fail` throws), and records the batches it was sent. */
function squarer(secondsPerCell: number, fail?: number) {
  const sent: number[][] = [];
  const send = async (tasks: number[]) => {
    sent.push(tasks);
    await new Promise((resolve) => setTimeout(resolve, 1));
    const square = (x: number) => {
      if (x === fail) throw new Error(`cell ${fail} failed`);
      return x * x;
    };
    return { ...runBatch(tasks, square, (error) => error), seconds: secondsPerCell * tasks.length };
  };
  return { sent, send };
}

describe('runBatch', () => {
  it('runs every cell in order, keeping the results of those around one that fails', () => {
    const ran: number[] = [];
    const run = (x: number) => {
      ran.push(x);
      if (x === 2) throw new Error('two');
      return x * 10;
    };
    const batch = runBatch([1, 2, 3], run, (error) => `sent: ${(error as Error).message}`);
    expect(ran).toEqual([1, 2, 3]);
    expect(batch.results).toEqual([10, null, 30]);
    expect(batch.failures).toEqual([{ at: 1, error: 'sent: two' }]);
    expect(batch.seconds).toBeGreaterThanOrEqual(0);
  });
});

describe('CellBatches', () => {
  it('sends one cell first, then batches of the size learned, each result to its own cell', async () => {
    const worker = squarer(BATCH_SECONDS / 4);
    const sizes: number[] = [];
    const batches = new CellBatches(worker.send, (size) => sizes.push(size));
    expect(await batches.run(3)).toBe(9);
    expect(sizes).toEqual([4]);
    expect(batches.cellsPerBatch).toBe(4);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => batches.run(i)));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * i));
    expect(worker.sent).toEqual([[3], [0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it('sends a partial batch when no more cells come this turn', async () => {
    const worker = squarer(BATCH_SECONDS / 16);
    const batches = new CellBatches(worker.send);
    await batches.run(1);
    expect(await Promise.all([batches.run(2), batches.run(3)])).toEqual([4, 9]);
    expect(worker.sent).toEqual([[1], [2, 3]]);
  });

  it('keeps one cell a batch when cells are long', async () => {
    const worker = squarer(1);
    const sizes: number[] = [];
    const batches = new CellBatches(worker.send, (size) => sizes.push(size));
    expect(await Promise.all([1, 2, 3].map((x) => batches.run(x)))).toEqual([1, 4, 9]);
    expect(worker.sent).toEqual([[1], [2], [3]]);
    expect(sizes).toEqual([]);
  });

  it('fails only the cell that failed; the others of its batch keep their results', async () => {
    const worker = squarer(BATCH_SECONDS / 2, 5);
    const batches = new CellBatches(worker.send);
    await batches.run(0);
    const outcomes = await Promise.allSettled([1, 2, 4, 5, 6, 7].map((x) => batches.run(x)));
    expect(worker.sent).toEqual([[0], [1, 2], [4, 5], [6, 7]]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([1, 4, 16, 'cell 5 failed', 36, 49]);
  });

  it('fails every cell of a batch whose worker failed, and no other', async () => {
    const worker = squarer(BATCH_SECONDS / 2);
    const send = (tasks: number[]) => (tasks.includes(5) ? Promise.reject(new Error('worker died')) : worker.send(tasks));
    const batches = new CellBatches(send);
    await batches.run(0);
    const outcomes = await Promise.allSettled([1, 2, 4, 5, 6, 7].map((x) => batches.run(x)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
  });
});
