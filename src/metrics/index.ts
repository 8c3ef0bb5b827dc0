/**
 * metrics/ — streaming measurement. `run-recorder.ts` says how requests ended;
 * `histogram.ts` holds latencies in bounded memory; `time-weighted.ts` integrates levels
 * over time; `across-runs.ts` summarizes a figure over Monte Carlo runs.
 * Imports nothing of the domain.
 */
export * from './histogram.js';
export * from './across-runs.js';
export * from './time-weighted.js';
export * from './run-recorder.js';
export * from './time-series.js';
export * from './months.js';
