/**
 * `simulatePlanRun`: one Monte Carlo run of one plan of a scenario as parsed, its uncertain
 * inputs drawn for the run's seed (the same draw for every plan of the run) and validated
 * with the scenario grammar, then simulated (simulate-run.ts).
 */
import { resolveCosts, type CostBook } from '../cost/index.js';
import { scenarioForRun, type Scenario } from '../scenario/index.js';
import { simulateDrawnRun, type PlanRunResult } from './simulate-run.js';

export function simulatePlanRun(central: Scenario, planIndex: number, seed: number, costBook: CostBook = resolveCosts(central)): PlanRunResult {
  return simulateDrawnRun(scenarioForRun(central, seed), planIndex, seed, costBook);
}
