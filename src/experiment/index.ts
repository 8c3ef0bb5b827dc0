/**
 * experiment/ — running scenarios. `simulate-run.ts` is one (plan, seed) cell;
 * `run-scenario.ts` loops over plans and seeds; `summary.ts` turns runs into the
 * across-runs figures of `--json`; `checks.ts` warns about setups that need care.
 */
export * from './simulate-run.js';
export * from './run-scenario.js';
export * from './run-cell.js';
export * from './summary.js';
export * from './pooled-latency.js';
export * from './export-trace.js';
export * from './checks.js';
export * from './version.js';
export * from './files.js';
