/**
 * study/ — experiments over many scenario variants: sweeps over a grid of fields,
 * break-even and sizing searches, commitment levels under uncertain demand; the store that
 * makes them resumable and the shards that spread them over a batch scheduler.
 */
export * from './spec.js';
export * from './store.js';
export * from './study.js';
export * from './csv.js';
export * from './sweep.js';
export * from './evaluate.js';
export * from './breakeven.js';
export * from './size.js';
export * from './commit.js';
