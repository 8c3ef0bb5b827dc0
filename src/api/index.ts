/**
 * api/ — pay-per-token APIs as a backend: latency, rate limits with retries, outages, and
 * the tokens they bill (`api-backend.ts`), over a lazily generated outage timeline
 * (`outages.ts`).
 */
export * from './api-backend.js';
export * from './outages.js';
export * from './latency.js';
