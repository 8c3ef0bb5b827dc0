/**
 * What one run records about its requests: how each counted request ended, and its
 * latencies. A request counts when it arrives at or after the warmup; earlier requests
 * are simulated (they load the system) but not recorded.
 *
 * Every counted request ends exactly once: succeeded (completed within its SLO), late
 * (completed, but past the SLO's TTFT or end-to-end limit), failed (with a reason), or
 * still in flight at the horizon. `inFlight` is reported by the backends at the end of the
 * run and checked against the counters (conservation), never derived from them.
 *
 * Imports nothing of the domain.
 */
import { LogHistogram } from './histogram.js';

export const FAILURE_REASONS = ['rejected', 'timedOut', 'errored'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Latency limits a request must meet to count as a success (seconds; both optional). */
export interface Slo {
  readonly ttft?: number | undefined;
  readonly e2e?: number | undefined;
}

export class RunRecorder {
  arrived = 0;
  succeeded = 0;
  late = 0;
  readonly failed: Record<FailureReason, number> = { rejected: 0, timedOut: 0, errored: 0 };
  readonly queueWait = new LogHistogram();
  readonly e2e = new LogHistogram();
  /** Time to first token and time per output token after the first (LLM replicas only). */
  readonly ttft = new LogHistogram();
  readonly tpot = new LogHistogram();
  outputTokens = 0;

  /** `slos[c]` is the SLO of request class c (one class by default). */
  constructor(
    readonly warmup: number,
    private readonly slos: readonly Slo[] = [{}],
  ) {}

  counts(arrivalTime: number): boolean {
    return arrivalTime >= this.warmup;
  }

  onArrival(arrivalTime: number): void {
    if (arrivalTime >= this.warmup) this.arrived++;
  }

  /** A request left the queue and began service (only served requests have a queue wait). */
  onStart(arrivalTime: number, startTime: number): void {
    if (arrivalTime >= this.warmup) this.queueWait.record(startTime - arrivalTime);
  }

  /** A request completed; `firstTokenTime` where the backend streams tokens. */
  onSuccess(arrivalTime: number, endTime: number, firstTokenTime?: number, classId = 0): void {
    if (arrivalTime < this.warmup) return;
    const e2e = endTime - arrivalTime;
    this.e2e.record(e2e);
    const ttft = firstTokenTime === undefined ? e2e : firstTokenTime - arrivalTime;
    const slo = this.slos[classId] ?? {};
    if ((slo.e2e !== undefined && e2e > slo.e2e) || (slo.ttft !== undefined && ttft > slo.ttft)) this.late++;
    else this.succeeded++;
  }

  onFirstToken(arrivalTime: number, time: number): void {
    if (arrivalTime >= this.warmup) this.ttft.record(time - arrivalTime);
  }

  /** A request finished with `outputTokens` tokens, the first at `firstTokenTime`. */
  onTokens(arrivalTime: number, firstTokenTime: number, endTime: number, outputTokens: number): void {
    if (arrivalTime < this.warmup) return;
    this.outputTokens += outputTokens;
    if (outputTokens > 1) this.tpot.record((endTime - firstTokenTime) / (outputTokens - 1));
  }

  onFailure(arrivalTime: number, reason: FailureReason): void {
    if (arrivalTime >= this.warmup) this.failed[reason]++;
  }

  failedTotal(): number {
    let n = 0;
    for (const r of FAILURE_REASONS) n += this.failed[r];
    return n;
  }
}
