/**
 * engine/ — the discrete-event core. `simulation.ts` owns the clock and the loop;
 * `event-queue.ts` is the heap beneath it. Imports nothing of the domain.
 */
export * from './event-queue.js';
export * from './simulation.js';
export * from './columns.js';
