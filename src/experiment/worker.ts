/**
 * Worker-thread entry for tinypool: runs one (plan, seed) cell. Errors lose their class
 * when they cross the thread boundary, so bad input (a malformed trace row, a scenario a
 * draw made invalid) is marked in the message for the main thread to recognize.
 */
import { DrawError } from '../random/index.js';
import { InputError } from '../scenario/index.js';
import { TraceError } from '../workload/index.js';
import { runCell, type CellTask } from './run-cell.js';
import type { PlanRunResult } from './simulate-run.js';

export const INPUT_ERROR_MARK = 'capsim-bad-input: ';

export default function (task: CellTask): PlanRunResult {
  try {
    return runCell(task);
  } catch (error) {
    if (error instanceof InputError || error instanceof TraceError || error instanceof DrawError) throw new Error(INPUT_ERROR_MARK + error.message + (error instanceof InputError ? '' : '.'));
    throw error;
  }
}
