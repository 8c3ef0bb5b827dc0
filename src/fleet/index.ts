/**
 * fleet/ — groups of replicas, each a backend (backend/). `server-fleet.ts` is the
 * plain-server fleet (one request per replica at a time), the mode checked against
 * queueing theory. `llm-fleet.ts` runs LLM replicas (serving/) and their lifecycle (spot
 * preemption, failures, autoscaling, a managed endpoint's scale to zero), with
 * `dispatcher.ts` (least-loaded dispatch, the holding queue, the predicted wait),
 * `slot-meter.ts` (billed GPU time per slot, per month), `pools.ts` (where replicas run)
 * and `autoscaler.ts` (the HPA-style decision).
 */
export * from './pools.js';
export * from './server-fleet.js';
export * from './dispatcher.js';
export * from './slot-meter.js';
export * from './autoscaler.js';
export * from './llm-fleet.js';
export * from './queueing-theory.js';
