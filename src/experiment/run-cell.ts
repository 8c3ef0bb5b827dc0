/**
 * One (plan, seed) cell as plain data in and out, so it can run in a worker thread. The
 * scenario carries everything a run needs (its uncertain inputs and base folder are plain
 * data in `scenario.context`), so structured cloning keeps it whole.
 */
import type { CostBook } from '../cost/index.js';
import type { Scenario } from '../scenario/index.js';
import type { PlanRunResult } from './simulate-run.js';
import { simulatePlanRun } from './plan-run.js';

export interface CellTask {
  readonly scenario: Scenario;
  readonly costs: CostBook;
  readonly planIndex: number;
  readonly seed: number;
  /** Send back only what a compact study keeps (`CompactRun`), when the cell runs on a worker thread. */
  readonly compact?: boolean;
  /** With `compact`: the run's time series comes back too. */
  readonly withSeries?: boolean;
}

export function cellTask(scenario: Scenario, costs: CostBook, planIndex: number, seed: number): CellTask {
  return { scenario, costs, planIndex, seed };
}

/**
 * A cell run in this thread. worker.ts runs the same (`simulateDrawnRun` of the run's draws)
 * without `simulatePlanRun`, so that a worker loads the grammar only for uncertain inputs;
 * the CLI tests check that 1 and 2 threads give the same bytes, uncertain inputs included.
 */
export function runCell(task: CellTask): PlanRunResult {
  return simulatePlanRun(task.scenario, task.planIndex, task.seed, task.costs);
}
