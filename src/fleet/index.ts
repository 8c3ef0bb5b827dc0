/**
 * fleet/ — groups of replicas behind one dispatcher, each a backend (backend/).
 * `server-fleet.ts` is the plain-server fleet (one request per replica at a time), the
 * mode checked against queueing theory; `llm-fleet.ts` dispatches to LLM replicas
 * (serving/) in GPU pools (`pools.ts`), or runs them as a managed endpoint.
 */
export * from './pools.js';
export * from './server-fleet.js';
export * from './llm-fleet.js';
export * from './queueing-theory.js';
export * from './autoscaler.js';
