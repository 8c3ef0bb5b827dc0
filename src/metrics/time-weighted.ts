/**
 * Time integrals over a measurement window [from, to]: the area under a piecewise-constant
 * level (queue length, busy servers), so that averages are weighted by time, not by events.
 *
 * Imports nothing of the domain.
 */

/** Length of the overlap of [a, b] with [from, to]. */
export function overlap(a: number, b: number, from: number, to: number): number {
  const lo = a > from ? a : from;
  const hi = b < to ? b : to;
  return hi > lo ? hi - lo : 0;
}

/** The area under a level that changes at event times, counted only inside the window. */
export class TimeWeightedLevel {
  level = 0;
  area = 0;
  private since: number;

  constructor(
    private readonly from: number,
    private readonly to: number,
    start = 0,
  ) {
    this.since = start;
  }

  /** Sets the level at time `now` (the previous level held since the last change). */
  set(now: number, level: number): void {
    const since = this.since;
    // Inside the window the overlap is the whole interval (the same number overlap() gives, computed without its four comparisons).
    this.area += this.level * (since >= this.from && now <= this.to && now >= since ? now - since : overlap(since, now, this.from, this.to));
    this.since = now;
    this.level = level;
  }

  /** Removes `amount` of level that, in hindsight, ended at `endedAt` rather than now. */
  retract(endedAt: number, now: number, amount: number): void {
    this.area -= amount * overlap(endedAt, now, this.from, this.to);
  }

  /** Average level over the window, after closing it at `to`. */
  average(): number {
    this.set(Math.max(this.since, this.to), this.level);
    const width = this.to - this.from;
    return width > 0 ? this.area / width : NaN;
  }
}
