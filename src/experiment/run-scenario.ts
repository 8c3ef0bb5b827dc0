/**
 * `run`: every plan of a scenario, over N Monte Carlo seeds. Seeds are base, base+1, …;
 * run r of every plan uses seed base + r, so plans are compared on the same traffic.
 * Cells run in this thread (`runScenario`) or on worker threads (a `CellRunner` with more
 * than one thread); each cell depends only on (scenario, plan, seed), so results do not
 * depend on the number of threads.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tinypool } from 'tinypool';
import { InputError, type Scenario } from '../scenario/index.js';
import { INPUT_ERROR_MARK } from './worker.js';
import { assertDeployable } from './checks.js';
import { resolveCosts, type CostBook } from '../cost/index.js';
import { cellTask, runCell, type CellTask } from './run-cell.js';
import type { PlanRunResult } from './simulate-run.js';
import { PooledLatencies, withoutBuckets } from './pooled-latency.js';
import { representativeRun } from './summary.js';

export interface RunOptions {
  /** Number of Monte Carlo runs; defaults to the scenario's `seeds`. */
  readonly seeds?: number;
  /** Base seed; defaults to the scenario's `seed`. */
  readonly seed?: number;
  /** Prices to bill with; resolved from the built-in catalog when not given. */
  readonly costs?: CostBook;
  /** Only these plans (by name, in the scenario's order); default every plan. */
  readonly plans?: readonly string[];
  /** Called after each finished (plan, seed) cell. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with each finished cell as soon as it is done (to keep results of an interrupted run). */
  readonly onCell?: (plan: string, result: PlanRunResult) => void;
  /** A result computed before (a resumed run): used instead of running the cell again. */
  readonly done?: (plan: string, seed: number) => PlanRunResult | undefined;
  /**
   * Pool each run's latency histograms as it finishes and keep the run without them
   * (`ScenarioRuns.pooled`): memory then grows by a few kilobytes a run, not a hundred.
   */
  readonly compact?: boolean;
}

export interface ScenarioRuns {
  readonly scenario: Scenario;
  readonly costs: CostBook;
  readonly seeds: readonly number[];
  readonly plans: readonly { readonly name: string; readonly runs: readonly PlanRunResult[] }[];
  /** With `compact`: each plan's latency histograms, pooled over its runs (the runs keep counts and sums only). */
  readonly pooled?: ReadonlyMap<string, PooledLatencies>;
}

export function seedList(scenario: Scenario, options: RunOptions): number[] {
  const count = options.seeds ?? scenario.seeds;
  const base = options.seed ?? scenario.seed;
  return Array.from({ length: count }, (_, i) => base + i);
}

/** The plans a run covers, with their index in the scenario. */
function selectedPlans(scenario: Scenario, names: readonly string[] | undefined): { name: string; index: number }[] {
  const all = scenario.plans.map((p, index) => ({ name: p.name, index }));
  if (names === undefined) return all;
  for (const name of names) {
    if (!all.some((p) => p.name === name)) throw new InputError(`no plan named "${name}" in ${scenario.name} (plans: ${all.map((p) => p.name).join(', ')}).`);
  }
  return all.filter((p) => names.includes(p.name));
}

/** Runs cells one after another in this thread, or on a pool of worker threads. */
export interface CellRunner {
  readonly threads: number;
  run(task: CellTask): Promise<PlanRunResult>;
  close(): Promise<void>;
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

/** A runner on `threads` worker threads (in this thread when 1, or when running from sources). */
export function cellRunner(threads: number): CellRunner {
  if (threads <= 1 || !workersAvailable()) {
    return {
      threads: 1,
      run: async (task) => {
        // Back to the event loop between cells, so Ctrl-C and timers are heard during a long study.
        await new Promise((resolve) => setImmediate(resolve));
        return runCell(task);
      },
      close: async () => {},
    };
  }
  // tinypool is loaded with the first cell, so commands that run nothing do not pay for it.
  let pool: Promise<Tinypool> | undefined;
  const started = () => (pool ??= import('tinypool').then(({ Tinypool }) => new Tinypool({ filename: WORKER_FILE.href, minThreads: 1, maxThreads: threads })));
  return {
    threads,
    run: async (task) => (await (await started()).run(task).catch(fromWorker)) as PlanRunResult,
    close: async () => {
      if (pool) await (await pool).destroy();
    },
  };
}

interface PlannedRuns {
  readonly costs: CostBook;
  readonly seeds: readonly number[];
  readonly plans: readonly { name: string; index: number }[];
}

function planRuns(scenario: Scenario, options: RunOptions): PlannedRuns {
  assertDeployable(scenario, scenario.name);
  return { costs: options.costs ?? resolveCosts(scenario), seeds: seedList(scenario, options), plans: selectedPlans(scenario, options.plans) };
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): ScenarioRuns {
  const { costs, seeds, plans } = planRuns(scenario, options);
  const total = seeds.length * plans.length;
  let done = 0;
  return {
    scenario,
    costs,
    seeds,
    plans: plans.map((plan) => ({
      name: plan.name,
      runs: seeds.map((seed) => {
        const before = options.done?.(plan.name, seed);
        const result = before ?? runCell(cellTask(scenario, costs, plan.index, seed));
        if (!before) options.onCell?.(plan.name, result);
        options.onProgress?.(++done, total);
        return result;
      }),
    })),
  };
}

/** Like `runScenario`, with the cells given to `runner` (all at once: a pool keeps its threads busy). */
export async function runScenarioOn(runner: CellRunner, scenario: Scenario, options: RunOptions = {}): Promise<ScenarioRuns> {
  const { costs, seeds, plans } = planRuns(scenario, options);
  const total = seeds.length * plans.length;
  let done = 0;
  const pooled = new Map(plans.map((p) => [p.name, new PooledLatencies()]));
  const results = await Promise.all(
    plans.map(async (plan) => ({
      name: plan.name,
      runs: await Promise.all(
        seeds.map(async (seed) => {
          const before = options.done?.(plan.name, seed);
          const result = before ?? (await runner.run(cellTask(scenario, costs, plan.index, seed)));
          if (!before) options.onCell?.(plan.name, result);
          options.onProgress?.(++done, total);
          if (!options.compact) return result;
          pooled.get(plan.name)!.add(result);
          return withoutBuckets(result);
        }),
      ),
    })),
  );
  if (options.compact) {
    // The representative run's whole time series was dropped with the rest: read that one
    // cell back where it is kept, or simulate it again (a cell depends only on its inputs),
    // and give it its series back.
    for (const plan of results) {
      const chosen = representativeRun(plan.runs);
      if (!chosen) continue;
      const index = plan.runs.indexOf(chosen);
      const again = options.done?.(plan.name, chosen.seed) ?? (await runner.run(cellTask(scenario, costs, plans.find((p) => p.name === plan.name)!.index, chosen.seed)));
      plan.runs[index] = { ...chosen, timeSeries: again.timeSeries };
    }
  }
  return { scenario, costs, seeds, plans: results, ...(options.compact ? { pooled } : {}) };
}

/** Like `runScenario`, with cells spread over `threads` worker threads. */
export async function runScenarioParallel(scenario: Scenario, threads: number, options: RunOptions = {}): Promise<ScenarioRuns> {
  if (threads <= 1 || !workersAvailable()) return runScenario(scenario, options);
  const total = seedList(scenario, options).length * scenario.plans.length;
  const runner = cellRunner(Math.min(threads, total));
  try {
    return await runScenarioOn(runner, scenario, options);
  } finally {
    await runner.close();
  }
}
