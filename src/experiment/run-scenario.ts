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
import { assertDeployable } from './checks.js';
import { resolveCosts, type CostBook } from '../cost/index.js';
import { cellTask, runCell, type CellTask } from './run-cell.js';
import type { PlanRunResult } from './simulate-run.js';
import { PooledLatencies } from './pooled-latency.js';
import { isCompact, ShapeBook, type CompactFigures, type CompactRun } from './compact-run.js';
import { RunTable } from './run-table.js';
import { INPUT_ERROR_MARK, InputSender, type WireTask } from './thread-inputs.js';
import { CellBatches, type BatchResult } from './cell-batches.js';
import type { SerializedSeries } from '../metrics/index.js';

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
   * Keep each run's figures in the plan's table only, not the runs themselves: memory then
   * grows by a kilobyte or two a run (studies run this way).
   */
  readonly compact?: boolean;
}

/** The runs of one plan, in seed order. */
export interface PlanResults {
  readonly name: string;
  /** Every run's figures as columns (what the summary across runs reads). */
  readonly table: RunTable;
  /** The latency histograms pooled over the runs. */
  readonly pooled: PooledLatencies;
  /** The whole time series of the representative run (`RunTable.representative`), if the runs sample one. */
  readonly series: SerializedSeries | undefined;
  /** Each run whole, unless the runs were `compact`. */
  readonly runs: readonly PlanRunResult[] | undefined;
}

export interface ScenarioRuns {
  readonly scenario: Scenario;
  readonly costs: CostBook;
  readonly seeds: readonly number[];
  readonly plans: readonly PlanResults[];
}

/**
 * Up to this many seeds, a compact study's runs bring their time series back too (~12 KB a
 * run of the default scenario), so that the representative run's need not be simulated
 * again at the end: for the default scenario's 10 seeds that was 4 cells on top of the
 * study's 40. Past it, the one run again per plan costs at most 1/33 of the study, and
 * memory stays flat in the number of runs.
 */
export const SERIES_KEPT_UP_TO_SEEDS = 32;

/** Gathers a plan's runs as they finish, in any order. */
class PlanCollector {
  readonly table: RunTable;
  readonly pooled = new PooledLatencies();
  private readonly runs: PlanRunResult[] | undefined;
  private readonly series: (SerializedSeries | undefined)[] | undefined;

  constructor(
    readonly name: string,
    readonly index: number,
    count: number,
    keep: 'runs' | 'series' | 'figures',
  ) {
    this.table = new RunTable(count);
    this.runs = keep === 'runs' ? new Array<PlanRunResult>(count) : undefined;
    this.series = keep === 'series' ? new Array<SerializedSeries | undefined>(count) : undefined;
  }

  add(row: number, result: PlanRunResult | CompactFigures): void {
    if (isCompact(result)) {
      this.table.setFigures(row, result.paths, result.values, result.labels);
      this.pooled.addPacked(result.histograms);
      if (this.series) this.series[row] = result.series;
      return;
    }
    this.table.set(row, result);
    this.pooled.add(result);
    if (this.runs) this.runs[row] = result;
    if (this.series) this.series[row] = result.timeSeries;
  }

  /** The plan's results, with the representative run's series as kept, or from `whole` (the run again). */
  async results(whole: (row: number) => Promise<PlanRunResult>): Promise<PlanResults> {
    const row = this.table.representative();
    if (row === undefined) return this.withSeries(undefined);
    return this.withSeries(this.runs?.[row]?.timeSeries ?? this.series?.[row] ?? (await whole(row)).timeSeries);
  }

  /** Like `results`, for runs that were kept. */
  resultsNow(): PlanResults {
    const row = this.table.representative();
    return this.withSeries(row === undefined ? undefined : this.runs![row]!.timeSeries);
  }

  private withSeries(series: SerializedSeries | undefined): PlanResults {
    return { name: this.name, table: this.table, pooled: this.pooled, series, runs: this.runs };
  }
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
  /**
   * Waits, first come first served, until a cell may start (a few are in flight at a time:
   * two a thread, one running and one ready), and gives back what frees its place.
   */
  admit(): Promise<() => void>;
  run(task: CellTask): Promise<PlanRunResult>;
  /** Like `run`; on worker threads, a `compact` task's run comes back compact. */
  runCompact(task: CellTask): Promise<PlanRunResult | CompactFigures>;
  close(): Promise<void>;
}

/** Gives bad input that failed in a worker its class back (see worker.ts). */
function fromWorker(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith(INPUT_ERROR_MARK) ? new InputError(message.slice(INPUT_ERROR_MARK.length)) : error;
}

/** The compiled worker entry, when capsim runs from its build (not from TypeScript sources in tests). */
const WORKER_FILE = new URL('./worker.js', import.meta.url);

export function workersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_FILE));
}

/** At most `slots` holders at a time; the others wait in the order they came. */
class Gate {
  private held = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  constructor(private slots: number) {}

  /** Raises the number of holders allowed at a time to `slots` (never lowers it). */
  widen(slots: number): void {
    while (this.slots < slots) {
      this.slots++;
      this.held++;
      this.leave();
    }
  }

  async enter(): Promise<() => void> {
    if (this.held < this.slots) this.held++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let left = false;
    return () => {
      if (!left) (left = true), this.leave();
    };
  }

  /** Gives the slot to the next in line (it stays held), or frees it. */
  private leave(): void {
    if (this.head === this.waiting.length) {
      this.held--;
      return;
    }
    const wake = this.waiting[this.head++]!;
    if (this.head === this.waiting.length) this.waiting.length = this.head = 0;
    wake();
  }
}

/**
 * A worker's space for new objects. A cell's objects live for one cell, so a small young
 * generation is collected often and cheaply; V8's default lets each worker grow it to tens
 * of megabytes, which peak RSS pays for. Measured (2 workers, AMD EPYC, Node 20,
 * 2026-11-24): the M/M/c example's 3 plans × 10,000 seeds peaked at 257–276 MiB with the
 * default and 205–219 MiB with 8, the default scenario's 100 one-day seeds at 181 → 171
 * MiB, with the same CPU time (within 2%).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/** A runner on `threads` worker threads (in this thread when 1, or when running from sources). */
export function cellRunner(threads: number): CellRunner {
  if (threads <= 1 || !workersAvailable()) {
    const gate = new Gate(1);
    const run = async (task: CellTask): Promise<PlanRunResult> => {
      // Back to the event loop between cells, so Ctrl-C and timers are heard during a long study.
      await new Promise((resolve) => setImmediate(resolve));
      return runCell(task);
    };
    // (In this thread nothing is cloned: a run is as cheap to keep whole.)
    return { threads: 1, admit: () => gate.enter(), run, runCompact: run, close: async () => {} };
  }
  // tinypool is loaded with the first cell, so commands that run nothing do not pay for it.
  // Every thread lives as long as the pool: tinypool ends a thread above minThreads as soon
  // as it is idle, and a thread started again compiles the simulator again. The runs of a
  // study's representative seeds, given out after the others, went to a new cold thread
  // that took 290–540 ms for a cell a warm one runs in 130 (the default scenario).
  let pool: Promise<Tinypool> | undefined;
  const started = () =>
    (pool ??= import('tinypool').then(
      ({ Tinypool }) => new Tinypool({ filename: WORKER_FILE.href, minThreads: threads, maxThreads: threads, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } }),
    ));
  // The pool holds two batches a thread (one running, one ready) instead of every cell of
  // a study at once: what waits to start is a loop, not a promise per cell, and memory does
  // not grow with the number of runs.
  const gate = new Gate(2 * threads);
  const shapes = new ShapeBook();
  const sender = new InputSender();
  const batches = new CellBatches<WireTask, PlanRunResult | CompactFigures>(
    async (tasks) => {
      const { results, failures, seconds } = (await (await started()).run(tasks)) as BatchResult<PlanRunResult | CompactRun>;
      return {
        // In order, before this thread hears from the worker again: a later run may name these paths.
        results: results.map((result) => (result !== null && isCompact(result) ? shapes.resolve(result) : result)),
        failures: failures.map(({ at, error }) => ({ at, error: fromWorker(error) })),
        seconds,
      };
    },
    (size) => gate.widen(2 * threads * size),
  );
  return {
    threads,
    admit: () => gate.enter(),
    run: async (task) => (await batches.run(sender.wire({ ...task, compact: false }))) as PlanRunResult,
    runCompact: (task) => batches.run(sender.wire(task)),
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
  const collected = plans.map((plan) => new PlanCollector(plan.name, plan.index, seeds.length, 'runs'));
  for (const plan of collected) {
    seeds.forEach((seed, row) => {
      const before = options.done?.(plan.name, seed);
      const result = before ?? runCell(cellTask(scenario, costs, plan.index, seed));
      if (!before) options.onCell?.(plan.name, result);
      options.onProgress?.(++done, total);
      plan.add(row, result);
    });
  }
  return { scenario, costs, seeds, plans: collected.map((p) => p.resultsNow()) };
}

/**
 * Like `runScenario`, with the cells given to `runner` as it admits them, in order (plan by
 * plan, seed by seed). `submitted` is called once every cell has been given out, so the
 * caller can start giving out another scenario's cells and keep the threads busy.
 */
export async function runScenarioOn(runner: CellRunner, scenario: Scenario, options: RunOptions & { readonly submitted?: () => void } = {}): Promise<ScenarioRuns> {
  const { costs, seeds, plans } = planRuns(scenario, options);
  const total = seeds.length * plans.length;
  let done = 0;
  // A compact study with few seeds keeps its runs' series.
  const keepSeries = options.compact === true && seeds.length <= SERIES_KEPT_UP_TO_SEEDS;
  const collected = plans.map((plan) => new PlanCollector(plan.name, plan.index, seeds.length, !options.compact ? 'runs' : keepSeries ? 'series' : 'figures'));
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  try {
    for (const plan of collected) {
      for (let row = 0; row < seeds.length && !failure; row++) {
        const seed = seeds[row]!;
        const before = options.done?.(plan.name, seed);
        if (before) {
          plan.add(row, before);
          options.onProgress?.(++done, total);
          continue;
        }
        const release = await runner.admit();
        // Only the figures come back, unless the whole run is wanted: to pass on, to keep, or
        // (the first seed's) to name the plan's parts.
        const compact = options.compact === true && !options.onCell && row > 0;
        const cell = runner
          .runCompact({ ...cellTask(scenario, costs, plan.index, seed), compact, withSeries: keepSeries })
          .then((result) => {
            // (A cell comes back compact only when there is no `onCell` to give it to.)
            if (!isCompact(result)) options.onCell?.(plan.name, result);
            plan.add(row, result);
            options.onProgress?.(++done, total);
          })
          .catch((error: unknown) => {
            failure ??= { error };
          })
          .finally(() => {
            release();
            running.delete(cell);
          });
        running.add(cell);
      }
    }
  } finally {
    options.submitted?.();
  }
  while (running.size > 0) await Promise.all(running);
  if (failure) throw failure.error;
  // Compact runs kept no time series but the band's: the representative run's whole series
  // comes from where the cell is kept, or from simulating it again (a cell depends only on
  // its inputs).
  const whole = async (plan: PlanCollector, seed: number): Promise<PlanRunResult> => options.done?.(plan.name, seed) ?? (await runner.run(cellTask(scenario, costs, plan.index, seed)));
  return { scenario, costs, seeds, plans: await Promise.all(collected.map((plan) => plan.results((row) => whole(plan, seeds[row]!)))) };
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
