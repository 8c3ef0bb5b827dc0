/**
 * fleet/ — groups of replicas behind one queue. `server-fleet.ts` is the plain-server
 * fleet (one request per replica at a time), the mode checked against queueing theory;
 * `llm-fleet.ts` dispatches to LLM replicas (serving/). Both implement `FleetRuntime`.
 */
export * from './fleet-runtime.js';
export * from './pools.js';
export * from './server-fleet.js';
export * from './llm-fleet.js';
export * from './queueing-theory.js';
