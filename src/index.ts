/**
 * capsim as a library. Data flows left to right through these folders:
 * random, engine, metrics → catalog → scenario → workload → serving → api → fleet → cost
 * → experiment → cli.
 * A typical use: `parseScenario(text, name)` → `runScenario(scenario)` → `summarizeRuns(...)`.
 */
export * from './random/index.js';
export * from './engine/index.js';
export * from './metrics/index.js';
export * from './scenario/index.js';
export * from './workload/index.js';
export * from './serving/index.js';
export * from './api/index.js';
export * from './cost/index.js';
export * from './catalog/index.js';
export * from './fleet/index.js';
export * from './experiment/index.js';
export * from './report/index.js';
