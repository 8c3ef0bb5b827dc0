/** Worker-thread entry for tinypool: runs one (plan, seed) cell. */
import { runCell, type CellTask } from './run-cell.js';
import type { PlanRunResult } from './simulate-run.js';

export default function (task: CellTask): PlanRunResult {
  return runCell(task);
}
