/**
 * `run`: every plan of a scenario, over N Monte Carlo seeds. Seeds are base, base+1, …;
 * run r of every plan uses seed base + r, so plans are compared on the same traffic.
 */
import type { Scenario } from '../scenario/index.js';
import { assertDeployable } from './checks.js';
import { resolveCosts, type CostBook } from './resolve-costs.js';
import { simulatePlanRun, type PlanRunResult } from './simulate-run.js';

export interface RunOptions {
  /** Number of Monte Carlo runs; defaults to the scenario's `seeds`. */
  readonly seeds?: number;
  /** Base seed; defaults to the scenario's `seed`. */
  readonly seed?: number;
  /** Prices to bill with; resolved from the built-in catalog when not given. */
  readonly costs?: CostBook;
  /** Called after each finished (plan, seed) cell. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ScenarioRuns {
  readonly scenario: Scenario;
  readonly costs: CostBook;
  readonly seeds: readonly number[];
  readonly plans: readonly { readonly name: string; readonly runs: readonly PlanRunResult[] }[];
}

export function seedList(scenario: Scenario, options: RunOptions): number[] {
  const count = options.seeds ?? scenario.seeds;
  const base = options.seed ?? scenario.seed;
  return Array.from({ length: count }, (_, i) => base + i);
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): ScenarioRuns {
  assertDeployable(scenario, scenario.name);
  const costs = options.costs ?? resolveCosts(scenario);
  const seeds = seedList(scenario, options);
  const total = seeds.length * scenario.plans.length;
  let done = 0;
  const plans = scenario.plans.map((plan, planIndex) => ({
    name: plan.name,
    runs: seeds.map((seed) => {
      const result = simulatePlanRun(scenario, planIndex, seed, costs);
      options.onProgress?.(++done, total);
      return result;
    }),
  }));
  return { scenario, costs, seeds, plans };
}
