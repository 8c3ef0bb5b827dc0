/**
 * workload/ — where requests come from. `arrivals.ts` holds the arrival processes.
 */
export * from './arrivals.js';
