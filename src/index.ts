/**
 * capsim as a library: four functions and their types.
 *
 * ```js
 * import { loadScenario, simulate, summarize, renderReport } from 'capsim';
 * const scenario = loadScenario('workloads/default.yaml', { set: ['horizon=1d'] });
 * const runs = await simulate(scenario, { seeds: 4 });
 * const summary = summarize(runs);
 * console.log(summary.decision.recommended);
 * ```
 *
 * Everything else is internal (package.json `exports` says so). The CLI (src/cli/) is a
 * thin layer over the same code.
 *
 * A reading guide to the sources. Data flows left to right through these folders:
 * random, engine, metrics → catalog → scenario → workload → backend → serving → api →
 * fleet → plan → cost → experiment → study → report → cli. Open these three files first:
 * - `backend/contract.ts`: what every backend kind promises (submit, a load view for
 *   routers, outcomes through a sink, usage meters at the end);
 * - `plan/plan-runtime.ts`: how a plan routes requests to its backends, owns the request
 *   table, records each outcome once and checks conservation;
 * - `experiment/simulate-run.ts`: one Monte Carlo run of one plan, from arrivals to the bill.
 * The extension interfaces: `Backend` (backend/contract.ts, a new kind of serving), the
 * routing rules (plan/router.ts), the scaling policy (fleet/autoscaler.ts), `StepTimeModel`
 * (serving/step-time.ts, how long a replica's step takes), and `BackendCosts`
 * (cost/prices.ts, what a backend's usage is priced at).
 */
import { resolveCosts } from './cost/index.js';
import { availableParallelism } from 'node:os';
import { loadPriceCatalog, loadScenarioFile, runScenarioParallel, scenarioWarnings, summarizeRuns, type RunSummary, type ScenarioRuns } from './experiment/index.js';
import { renderReportHtml } from './report/index.js';
import type { Scenario } from './scenario/index.js';

export type { Scenario } from './scenario/index.js';
export type { RunSummary, PlanSummary, ClassSummary, BackendSummary, ScenarioRuns, PlanRunResult } from './experiment/index.js';
export type { Decision } from './cost/index.js';
export { InputError, ScenarioError } from './scenario/index.js';
export { InvariantError } from './engine/index.js';
export { capsimVersion as version } from './experiment/index.js';

export interface LoadOptions {
  /** `path=value` overrides, as `capsim run --set` takes them (e.g. `horizon=1d`). */
  readonly set?: readonly string[];
}

/**
 * Reads and checks a scenario file (YAML or JSON), or the built-in default when no file is
 * named. Bad input throws an `InputError` whose message names the field, its value and
 * what was expected.
 */
export function loadScenario(file?: string, options: LoadOptions = {}): Scenario {
  return loadScenarioFile(file, options.set ?? []);
}

export interface SimulateOptions {
  /** Monte Carlo runs (default: the scenario's `seeds`). */
  readonly seeds?: number;
  /** Base seed (default: the scenario's `seed`). */
  readonly seed?: number;
  /** Worker threads (default: one per core); the result does not depend on it. */
  readonly workers?: number;
  /** A LiteLLM `model_prices_and_context_window.json` to price API models with. */
  readonly prices?: string;
  /** Called after each finished (plan, seed) run. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs every plan of the scenario over its Monte Carlo seeds. */
export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<ScenarioRuns> {
  const costs = resolveCosts(scenario, loadPriceCatalog(options.prices));
  return runScenarioParallel(scenario, options.workers ?? availableParallelism(), {
    costs,
    ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/** The figures across runs, the recommendation and the paired comparisons: what `capsim run --json` prints. */
export function summarize(runs: ScenarioRuns): RunSummary {
  return summarizeRuns(runs, { warnings: scenarioWarnings(runs.scenario) });
}

/** The self-contained HTML report of a summary (charts, libraries inlined: it works offline). */
export function renderReport(summary: RunSummary): string {
  return renderReportHtml(summary);
}
