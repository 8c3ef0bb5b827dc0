/**
 * serving/ — what one self-hosted replica can do. Read in this order: `memory.ts` (what
 * fits), `step-time.ts` (the interface for how long a step takes) with `roofline.ts` and
 * `profiles.ts` (its implementations), `replica.ts` (continuous batching with
 * fast-forward), `offline.ts` (a replica fed a fixed batch: saturation throughput).
 */
export * from './memory.js';
export * from './step-time.js';
export * from './roofline.js';
export * from './profiles.js';
export * from './replica.js';
export * from './offline.js';
export * from './build.js';
export * from './perf-report.js';
