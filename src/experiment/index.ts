/**
 * experiment/ — running scenarios. `plan-run.ts` is one (plan, seed) cell: its draws, then
 * `simulate-run.ts`;
 * `run-scenario.ts` loops over plans and seeds, keeping each plan's runs as columns
 * (`run-table.ts`) and its latencies pooled (from worker threads, only the figures those
 * keep: `compact-run.ts`); `summary.ts` turns them into the
 * across-runs figures of `--json`; `checks.ts` warns about setups that need care.
 */
export * from './simulate-run.js';
export * from './plan-run.js';
export * from './run-scenario.js';
export * from './run-cell.js';
export * from './summary.js';
export * from './pooled-latency.js';
export * from './run-table.js';
export * from './compact-run.js';
export * from './export-trace.js';
export * from './checks.js';
export * from './version.js';
export * from './files.js';
