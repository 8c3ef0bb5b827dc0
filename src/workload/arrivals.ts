/**
 * Arrival processes: each yields absolute arrival times in increasing order.
 */
import type { Rng } from '../random/index.js';

export interface ArrivalSource {
  /** The next arrival time (seconds), strictly after the previous one's, or Infinity when done. */
  next(): number;
}

export type ArrivalSpec = { readonly process: 'poisson'; readonly rate: number };

/** Poisson arrivals at a constant rate (requests per second). */
export class PoissonArrivals implements ArrivalSource {
  private time = 0;
  private readonly mean: number;
  constructor(
    rate: number,
    private readonly rng: Rng,
  ) {
    this.mean = 1 / rate;
  }
  next(): number {
    this.time += -this.mean * Math.log(1 - this.rng());
    return this.time;
  }
}

export function makeArrivals(spec: ArrivalSpec, rng: Rng): ArrivalSource {
  switch (spec.process) {
    case 'poisson':
      return new PoissonArrivals(spec.rate, rng);
  }
}

/** Long-run mean arrival rate (requests per second), for capacity checks. */
export function meanArrivalRate(spec: ArrivalSpec): number {
  switch (spec.process) {
    case 'poisson':
      return spec.rate;
  }
}
