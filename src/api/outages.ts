/**
 * A provider's availability over time: alternating up and down periods with exponential
 * lengths (mean time between failures, mean time to repair), generated lazily in time
 * order from their own random stream.
 */
import type { Rng } from '../random/index.js';

export class OutageTimeline {
  private downStart: number;
  private downEnd: number;

  constructor(
    private readonly mtbf: number,
    private readonly mttr: number,
    private readonly rng: Rng,
  ) {
    this.downStart = this.exp(mtbf);
    this.downEnd = this.downStart + this.exp(mttr);
  }

  private exp(mean: number): number {
    return -mean * Math.log(1 - this.rng());
  }

  /** Moves the current outage forward until it ends after `t`. */
  private advance(t: number): void {
    while (this.downEnd <= t) {
      this.downStart = this.downEnd + this.exp(this.mtbf);
      this.downEnd = this.downStart + this.exp(this.mttr);
    }
  }

  isDown(t: number): boolean {
    this.advance(t);
    return t >= this.downStart;
  }

  /** Start of the next outage at or after t (t itself when down now). */
  nextDownStart(t: number): number {
    this.advance(t);
    return Math.max(t, this.downStart);
  }
}
