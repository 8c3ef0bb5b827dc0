/**
 * workload/ — where requests come from. `source.ts` is what a run pulls requests from
 * (synthetic or replayed); `arrivals.ts` and `modifiers.ts` make synthetic arrival times;
 * `trace.ts` and `line-reader.ts` stream trace files; `trace-stats.ts` summarizes a trace;
 * `fit.ts` turns a trace into a synthetic workload.
 */
export * from './arrivals.js';
export * from './modifiers.js';
export * from './source.js';
export * from './trace.js';
export * from './trace-stats.js';
export * from './fit.js';
export * from './line-reader.js';
