/**
 * Worker-thread entry for tinypool: runs one (plan, seed) cell on this thread's copy of its
 * inputs (rebuilt once per scenario: thread-inputs.ts), and sends it back whole or compact
 * (`task.compact`). Errors lose their class when they cross the thread boundary,
 * so bad input (a malformed trace row, a scenario a draw made invalid) is marked in the
 * message for the main thread to recognize.
 */
import { threadId } from 'node:worker_threads';
import { DrawError } from '../random/index.js';
import { InputError } from '../scenario/index.js';
import { TraceError } from '../workload/index.js';
import { INPUT_ERROR_MARK, runCell, type CellTask } from './run-cell.js';
import { compactRun, type CompactRun } from './compact-run.js';
import type { PlanRunResult } from './simulate-run.js';
import { ThreadInputs } from './thread-inputs.js';

const inputs = new ThreadInputs();

export default function (task: CellTask): PlanRunResult | CompactRun {
  try {
    const result = runCell(inputs.local(task));
    return task.compact ? compactRun(result, threadId) : result;
  } catch (error) {
    if (error instanceof InputError || error instanceof TraceError || error instanceof DrawError) throw new Error(INPUT_ERROR_MARK + error.message + (error instanceof InputError ? '' : '.'));
    throw error;
  }
}
