/**
 * What a fleet's replica slots are billed for: each slot accrues GPU time while it is
 * billed (provisioning, active, draining, failed; not while preempted or gone), over the
 * measurement window and per 730-hour month, and turns that into pool meters for cost/.
 * A managed endpoint bills each period a slot is up rounded up to its billing increment,
 * in the month the period began.
 */
import type { GpuMeter } from '../backend/index.js';
import { addByMonth, monthOf, monthSeconds, overlap, type Months } from '../metrics/index.js';
import { poolMeters, type FleetPools, type PoolName } from './pools.js';

export class SlotMeter {
  /** Whether each slot is billed now, since when, and the seconds it has accrued (window, and per month). */
  readonly billed: boolean[];
  private readonly since: number[];
  private readonly seconds: number[];
  private readonly secondsByMonth: number[][];

  constructor(
    slots: number,
    initiallyBilled: number,
    private readonly window: { readonly from: number; readonly to: number },
    readonly months: Months,
    /** Round each billed period up to this many seconds (managed endpoints). */
    private readonly increment?: number | undefined,
  ) {
    this.billed = Array.from({ length: slots }, (_, i) => i < initiallyBilled);
    this.since = Array.from({ length: slots }, () => 0);
    this.seconds = Array.from({ length: slots }, () => 0);
    this.secondsByMonth = Array.from({ length: slots }, () => []);
  }

  start(slot: number, now: number): void {
    this.billed[slot] = true;
    this.since[slot] = now;
  }

  stop(slot: number, now: number): void {
    if (!this.billed[slot]) return;
    this.accrue(slot, now);
    this.billed[slot] = false;
  }

  /** Closes every billed slot's time at the horizon. */
  close(horizon: number): void {
    for (let i = 0; i < this.billed.length; i++) if (this.billed[i]) this.accrue(i, horizon);
  }

  private accrue(slot: number, end: number): void {
    const seconds = overlap(this.since[slot]!, end, this.window.from, this.window.to);
    const inc = this.increment;
    if (inc === undefined) {
      this.seconds[slot]! += seconds;
      addByMonth(this.months, this.since[slot]!, end, this.secondsByMonth[slot]!);
    } else if (seconds > 0) {
      const billed = Math.ceil(seconds / inc - 1e-9) * inc;
      this.seconds[slot]! += billed;
      const k = monthOf(this.months, Math.max(this.since[slot]!, this.window.from));
      const byMonth = this.secondsByMonth[slot]!;
      byMonth[k] = (byMonth[k] ?? 0) + billed;
    }
  }

  /** Replica-seconds billed in month k (after `close`). */
  monthSeconds(k: number): number {
    return this.secondsByMonth.reduce((a, m) => a + (m[k] ?? 0), 0);
  }

  /** Replica-seconds billed over the window (after `close`). */
  provisionedSeconds(): number {
    return this.seconds.reduce((a, x) => a + x, 0);
  }

  meters(pools: FleetPools, placement: readonly PoolName[]): GpuMeter[] {
    return poolMeters(pools, placement, this.seconds, this.window.to - this.window.from);
  }

  monthMeters(pools: FleetPools, placement: readonly PoolName[], k: number): GpuMeter[] {
    return poolMeters(pools, placement, this.secondsByMonth.map((m) => m[k] ?? 0), monthSeconds(this.months, k));
  }
}
