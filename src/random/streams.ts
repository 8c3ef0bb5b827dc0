/**
 * Named, seeded random streams.
 *
 * Every consumer of randomness asks for its own stream by (run seed, purpose[, entity]).
 * A stream's sequence depends only on that key, so adding a new consumer never shifts
 * the numbers an existing one sees (DESIGN.md "The engine": randomness comes only from
 * named streams). Streams are seedrandom's Alea generator, imported on its own (alea.d.ts):
 * fast, and its state is small.
 *
 * Imports nothing of the domain.
 */
import alea from 'seedrandom/lib/alea.js';

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/**
 * What a stream is for. A string-literal union so that a typo does not compile; add a
 * purpose here when a new part of the simulator needs randomness.
 */
export type StreamPurpose =
  | 'arrivals'
  | 'service'
  | 'lengths'
  | 'classes'
  | 'failures'
  | 'routing'
  | 'scaling'
  | 'api'
  | 'uncertain'
  | 'test';

/** The key that fixes a stream's sequence. */
export function streamKey(runSeed: number, purpose: StreamPurpose, entity?: string): string {
  return entity === undefined ? `capsim/${runSeed}/${purpose}` : `capsim/${runSeed}/${purpose}/${entity}`;
}

/** A fresh generator for (run seed, purpose[, entity]); the same key gives the same sequence. */
export function openStream(runSeed: number, purpose: StreamPurpose, entity?: string): Rng {
  const generator = alea(streamKey(runSeed, purpose, entity));
  return () => generator();
}
