/**
 * What one run records about its requests: how each counted request ended, and its
 * latencies, for the plan as a whole and for each request class. A request counts when it
 * arrives at or after the warmup; earlier requests are simulated (they load the system)
 * but not recorded.
 *
 * Every counted request ends exactly once: succeeded (completed within its SLO), late
 * (completed, but past the SLO's TTFT or end-to-end limit), failed (with a reason), or
 * still in flight at the horizon. `inFlight` is reported by the backends at the end of the
 * run and checked against the counters (conservation), never derived from them.
 *
 * Imports nothing of the domain.
 */
import { LogHistogram } from './histogram.js';
import { monthOf, type Months } from './months.js';

/**
 * Why a request failed:
 * - `queueFull`: the waiting room was full when it arrived;
 * - `tooLong`: prompt plus output beyond the model's context or the replica's KV capacity;
 * - `rateLimited`: the API answered 429 to its last retry;
 * - `timedOut`: it waited in a queue longer than the timeout;
 * - `errored`: the provider failed the call (an outage or error) and retries ran out;
 * - `unavailable`: no capacity was up to serve or hold it;
 * - `misrouted`: answered by a backend meant for simpler requests (a classifier's mistake): billed, not a success;
 * - `deadlineMissed`: work that may wait (batch priority) was still waiting when its deadline passed.
 */
export const FAILURE_REASONS = ['queueFull', 'tooLong', 'rateLimited', 'timedOut', 'errored', 'unavailable', 'misrouted', 'deadlineMissed'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];
export type FailureCounts = Record<FailureReason, number>;

export function noFailures(): FailureCounts {
  return { queueFull: 0, tooLong: 0, rateLimited: 0, timedOut: 0, errored: 0, unavailable: 0, misrouted: 0, deadlineMissed: 0 };
}

export function failureTotal(counts: FailureCounts): number {
  let n = 0;
  for (const r of FAILURE_REASONS) n += counts[r];
  return n;
}

/** Latency limits a request must meet to count as a success (seconds; both optional). */
export interface Slo {
  readonly ttft?: number | undefined;
  readonly e2e?: number | undefined;
}

/** The counters and latencies of one request class (or of the whole plan). */
export class OutcomeTally {
  arrived = 0;
  succeeded = 0;
  late = 0;
  readonly failed: FailureCounts = noFailures();
  readonly e2e = new LogHistogram();
  readonly ttft = new LogHistogram();
  /** Output tokens of completed requests. */
  outputTokens = 0;

  failedTotal(): number {
    return failureTotal(this.failed);
  }

  complete(e2e: number, outputTokens: number, late: boolean): void {
    this.e2e.record(e2e);
    this.outputTokens += outputTokens;
    if (late) this.late++;
    else this.succeeded++;
  }
}

export class RunRecorder {
  readonly all = new OutcomeTally();
  /** One tally per request class. */
  readonly classes: OutcomeTally[];
  readonly queueWait = new LogHistogram();
  /** Time per output token after the first (streaming backends only). */
  readonly tpot = new LogHistogram();

  /** Runs longer than a month: arrivals (by arrival), successes and output tokens (by completion) per billing month. */
  readonly arrivedByMonth: number[] = [];
  readonly succeededByMonth: number[] = [];
  readonly outputTokensByMonth: number[] = [];

  /** `slos[c]` is the SLO of request class c (one class by default). */
  constructor(
    readonly warmup: number,
    private readonly slos: readonly Slo[] = [{}],
    private readonly months?: Months,
  ) {
    // With one class, its tally is the plan's: record once.
    this.classes = slos.length === 1 ? [this.all] : slos.map(() => new OutcomeTally());
  }

  get arrived(): number {
    return this.all.arrived;
  }

  get succeeded(): number {
    return this.all.succeeded;
  }

  get late(): number {
    return this.all.late;
  }

  counts(arrivalTime: number): boolean {
    return arrivalTime >= this.warmup;
  }

  onArrival(arrivalTime: number, classId = 0): void {
    if (arrivalTime < this.warmup) return;
    this.all.arrived++;
    const c = this.classes[classId]!;
    if (c !== this.all) c.arrived++;
    if (this.months && this.months.count > 1) {
      const k = monthOf(this.months, arrivalTime);
      this.arrivedByMonth[k] = (this.arrivedByMonth[k] ?? 0) + 1;
    }
  }

  /** A request left the queue and began service (only served requests have a queue wait). */
  onStart(arrivalTime: number, startTime: number): void {
    if (arrivalTime >= this.warmup) this.queueWait.record(startTime - arrivalTime);
  }

  onFirstToken(arrivalTime: number, time: number, classId = 0): void {
    if (arrivalTime < this.warmup) return;
    this.all.ttft.record(time - arrivalTime);
    const c = this.classes[classId]!;
    if (c !== this.all) c.ttft.record(time - arrivalTime);
  }

  /**
   * A request completed at `endTime` with `outputTokens` tokens; `firstTokenTime` where the
   * backend streams tokens (else the first token is the end).
   */
  onCompletion(arrivalTime: number, endTime: number, firstTokenTime: number | undefined, classId: number, outputTokens: number): void {
    if (arrivalTime < this.warmup) return;
    const e2e = endTime - arrivalTime;
    const ttft = firstTokenTime === undefined || Number.isNaN(firstTokenTime) ? e2e : firstTokenTime - arrivalTime;
    const slo = this.slos[classId] ?? {};
    const late = (slo.e2e !== undefined && e2e > slo.e2e) || (slo.ttft !== undefined && ttft > slo.ttft);
    this.all.complete(e2e, outputTokens, late);
    const c = this.classes[classId]!;
    if (c !== this.all) c.complete(e2e, outputTokens, late);
    if (this.months && this.months.count > 1) {
      const k = monthOf(this.months, endTime);
      if (!late) this.succeededByMonth[k] = (this.succeededByMonth[k] ?? 0) + 1;
      this.outputTokensByMonth[k] = (this.outputTokensByMonth[k] ?? 0) + outputTokens;
    }
    if (firstTokenTime !== undefined && outputTokens > 1) this.tpot.record((endTime - firstTokenTime) / (outputTokens - 1));
  }

  onFailure(arrivalTime: number, reason: FailureReason, classId = 0): void {
    if (arrivalTime < this.warmup) return;
    this.all.failed[reason]++;
    const c = this.classes[classId]!;
    if (c !== this.all) c.failed[reason]++;
  }

  failedTotal(): number {
    return this.all.failedTotal();
  }

  get outputTokens(): number {
    return this.all.outputTokens;
  }
}
