/**
 * One (plan, seed) cell as plain data in and out, so it can run in a worker thread. The
 * scenario crosses as its validated form plus, for uncertain inputs, the raw input and the
 * uncertain fields (which structured cloning would otherwise drop).
 */
import { attachUncertainty, uncertaintyOf, type Scenario, type UncertainSource } from '../scenario/index.js';
import type { CostBook } from './resolve-costs.js';
import { simulatePlanRun, type PlanRunResult } from './simulate-run.js';

export interface CellTask {
  readonly scenario: Scenario;
  readonly uncertain: UncertainSource | undefined;
  readonly costs: CostBook;
  readonly planIndex: number;
  readonly seed: number;
}

export function cellTask(scenario: Scenario, costs: CostBook, planIndex: number, seed: number): CellTask {
  return { scenario, uncertain: uncertaintyOf(scenario), costs, planIndex, seed };
}

export function runCell(task: CellTask): PlanRunResult {
  const scenario = task.scenario;
  if (task.uncertain && !uncertaintyOf(scenario)) attachUncertainty(scenario, task.uncertain);
  return simulatePlanRun(scenario, task.planIndex, task.seed, task.costs);
}
