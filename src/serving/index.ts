/**
 * serving/ — what one self-hosted replica can do. Read in this order: `memory.ts` (what
 * fits), `step-time.ts` (the interface for how long a step takes) with `roofline.ts` and
 * `profiles.ts` (its implementations), `replica.ts` (continuous batching with
 * fast-forward), `load.ts` (a replica alone under a benchmark's load: offline, Poisson, closed loop).
 */
export * from './memory.js';
export * from './step-time.js';
export * from './calibration.js';
export * from './roofline.js';
export * from './profiles.js';
export * from './replica.js';
export * from './load.js';
export * from './build.js';
export * from './perf-report.js';
