/**
 * Worker-thread entry for tinypool: runs a batch of (plan, seed) cells on this thread's
 * copies of their inputs (read and rebuilt once per scenario: thread-inputs.ts), and sends
 * each back whole or compact (`task.compact`). Errors lose their class when they cross
 * the thread boundary, so bad input (a malformed trace row, a scenario a draw made
 * invalid) is marked in the message for the main thread to recognize.
 */
import { threadId } from 'node:worker_threads';
import { DrawError } from '../random/index.js';
import { InputError } from '../scenario/index.js';
import { TraceError } from '../workload/index.js';
import { INPUT_ERROR_MARK, runCell } from './run-cell.js';
import { compactRun, type CompactRun } from './compact-run.js';
import type { PlanRunResult } from './simulate-run.js';
import { ThreadInputs, type WireTask } from './thread-inputs.js';
import { runBatch, type BatchResult } from './cell-batches.js';

const inputs = new ThreadInputs();

/** Runs a batch of cells in order (cell-batches.ts), timing them so the main thread can size the next batches. */
export default function (batch: readonly WireTask[]): BatchResult<PlanRunResult | CompactRun> {
  return runBatch(batch, runOne, markInputError);
}

function runOne(task: WireTask): PlanRunResult | CompactRun {
  const result = runCell(inputs.local(task));
  return task.compact ? compactRun(result, threadId, task.withSeries) : result;
}

function markInputError(error: unknown): unknown {
  if (error instanceof InputError || error instanceof TraceError || error instanceof DrawError) return new Error(INPUT_ERROR_MARK + error.message + (error instanceof InputError ? '' : '.'));
  return error;
}
