/**
 * backend/ — what every backend kind has in common: the contract (`contract.ts`: submit,
 * a load view for routers, outcomes through a sink, usage meters at the end) and the run's
 * one table of requests in flight (`request-table.ts`). The kinds live in fleet/ (plain
 * servers, LLM fleets, managed endpoints) and api/; the plan runtime (plan/) drives them.
 */
export * from './contract.js';
export * from './request-table.js';
