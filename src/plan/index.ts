/**
 * plan/ — a plan in a run. `plan-runtime.ts` owns the run's request table, counts each
 * arrival once, sends it to a backend, records each outcome once and checks conservation;
 * `build-backend.ts` builds a plan's backends from the scenario (one exhaustive switch over
 * the kinds); `plan-kind.ts` says whether a plan runs its own fleet.
 */
export * from './plan-runtime.js';
export * from './build-backend.js';
export * from './plan-kind.js';
export * from './router.js';
