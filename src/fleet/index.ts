/**
 * fleet/ — groups of replicas behind one queue. `server-fleet.ts` is the plain-server
 * fleet (one request per replica at a time), the mode checked against queueing theory.
 */
export * from './server-fleet.js';
export * from './queueing-theory.js';
