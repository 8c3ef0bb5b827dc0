/**
 * scenario/ — what users write, checked. `schema.ts` is the grammar (zod); `parse.ts`
 * turns text and `--set` overrides into a trusted `Scenario`; `errors.ts` holds the
 * messages that name a bad field's path, value and what was expected.
 */
export * from './schema.js';
export * from './defaults.js';
export * from './parse.js';
export * from './errors.js';
export * from './duration.js';
export * from './uncertain.js';
export * from './json-schema.js';
