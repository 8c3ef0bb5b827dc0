/**
 * capsim as a library. Data flows left to right through these folders:
 * random, engine, metrics → catalog → scenario → workload → backend → serving → api →
 * fleet → plan → cost → experiment → report → cli.
 *
 * A reading guide. Open these three files first:
 * - `backend/contract.ts`: what every backend kind promises (submit, a load view for
 *   routers, outcomes through a sink, usage meters at the end);
 * - `plan/plan-runtime.ts`: how a plan drives its backends, owns the request table,
 *   records each outcome once and checks conservation;
 * - `experiment/simulate-run.ts`: one Monte Carlo run of one plan, from arrivals to the bill.
 * The extension interfaces: `Backend` (backend/contract.ts, a new kind of serving),
 * `StepTimeModel` (serving/step-time.ts, how long a replica's step takes), and the cost
 * side's `BackendCosts` (cost/prices.ts, what a backend's usage is priced at).
 *
 * A typical use: `parseScenario(text, name)` → `runScenario(scenario)` → `summarizeRuns(runs)`
 * → `renderReportHtml(summary)`.
 */
export * from './random/index.js';
export * from './engine/index.js';
export * from './metrics/index.js';
export * from './scenario/index.js';
export * from './workload/index.js';
export * from './backend/index.js';
export * from './serving/index.js';
export * from './api/index.js';
export * from './cost/index.js';
export * from './catalog/index.js';
export * from './fleet/index.js';
export * from './plan/index.js';
export * from './experiment/index.js';
export * from './report/index.js';
