/**
 * `run`: every plan of a scenario, over N Monte Carlo seeds. Seeds are base, base+1, …;
 * run r of every plan uses seed base + r, so plans are compared on the same traffic.
 * Cells run in this thread (`runScenario`) or on worker threads (`runScenarioParallel`);
 * each cell depends only on (scenario, plan, seed), so results do not depend on the
 * number of threads.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tinypool } from 'tinypool';
import { InputError, type Scenario } from '../scenario/index.js';
import { INPUT_ERROR_MARK } from './worker.js';
import { assertDeployable } from './checks.js';
import { resolveCosts, type CostBook } from '../cost/index.js';
import { cellTask, runCell } from './run-cell.js';
import type { PlanRunResult } from './simulate-run.js';

export interface RunOptions {
  /** Number of Monte Carlo runs; defaults to the scenario's `seeds`. */
  readonly seeds?: number;
  /** Base seed; defaults to the scenario's `seed`. */
  readonly seed?: number;
  /** Prices to bill with; resolved from the built-in catalog when not given. */
  readonly costs?: CostBook;
  /** Called after each finished (plan, seed) cell. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with each finished cell as soon as it is done (to keep results of an interrupted run). */
  readonly onCell?: (plan: string, result: PlanRunResult) => void;
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
      const result = runCell(cellTask(scenario, costs, planIndex, seed));
      options.onCell?.(plan.name, result);
      options.onProgress?.(++done, total);
      return result;
    }),
  }));
  return { scenario, costs, seeds, plans };
}

/** Gives bad input that failed in a worker its class back (see worker.ts). */
function fromWorker(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith(INPUT_ERROR_MARK)) throw new InputError(message.slice(INPUT_ERROR_MARK.length));
  throw error;
}

/** The compiled worker entry, when capsim runs from its build (not from TypeScript sources in tests). */
const WORKER_FILE = new URL('./worker.js', import.meta.url);

export function workersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_FILE));
}

/** Like `runScenario`, with cells spread over `threads` worker threads. */
export async function runScenarioParallel(scenario: Scenario, threads: number, options: RunOptions = {}): Promise<ScenarioRuns> {
  if (threads <= 1 || !workersAvailable()) return runScenario(scenario, options);
  assertDeployable(scenario, scenario.name);
  const costs = options.costs ?? resolveCosts(scenario);
  const seeds = seedList(scenario, options);
  const total = seeds.length * scenario.plans.length;
  const pool = new Tinypool({ filename: WORKER_FILE.href, minThreads: 1, maxThreads: Math.min(threads, total) });
  let done = 0;
  try {
    const plans = await Promise.all(
      scenario.plans.map(async (plan, planIndex) => ({
        name: plan.name,
        runs: await Promise.all(
          seeds.map(async (seed) => {
            const result = (await pool.run(cellTask(scenario, costs, planIndex, seed)).catch(fromWorker)) as PlanRunResult;
            options.onCell?.(plan.name, result);
            options.onProgress?.(++done, total);
            return result;
          }),
        ),
      })),
    );
    return { scenario, costs, seeds, plans };
  } finally {
    await pool.destroy();
  }
}
