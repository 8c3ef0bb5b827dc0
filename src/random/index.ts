/**
 * random/ — named seeded streams and distributions. Start with `streams.ts` (where numbers
 * come from), then `distributions.ts` (what shapes they take). Imports nothing of the domain.
 */
export * from './streams.js';
export * from './distributions.js';
