/**
 * The fleet's dispatcher: each request goes to the least-loaded replica that takes
 * requests (fewest queued or running; ties to the lowest index), as a load balancer with
 * least-outstanding-requests routing does, or waits in a holding queue while none does.
 * It counts the interactive requests waiting across the fleet (for `queue.capacity` and
 * the time-weighted queue length; batch work is not counted) and predicts the wait of a
 * new request from the pace at which the fleet admits.
 */
import { IdDeque, type ReqId, type RequestTable } from '../backend/index.js';
import { TimeWeightedLevel } from '../metrics/index.js';
import type { LlmReplica } from '../serving/index.js';

export class Dispatcher {
  /** Requests that arrived (or were evicted) while no replica could take them. */
  readonly holding = new IdDeque();
  /** Interactive requests waiting, on replicas or held. */
  queued = 0;
  readonly queueLevel: TimeWeightedLevel;
  /** Exponentially weighted mean of recent gaps between admissions, and the last admission. */
  private admitGap = 0;
  private lastAdmit = 0;

  constructor(
    private readonly replicas: readonly LlmReplica[],
    /** Whether replica i takes new requests now (up, not draining). */
    private readonly takesRequests: (i: number) => boolean,
    private readonly table: RequestTable,
    window: { readonly from: number; readonly to: number },
  ) {
    this.queueLevel = new TimeWeightedLevel(window.from, window.to);
  }

  private leastLoaded(): LlmReplica | undefined {
    let best: LlmReplica | undefined;
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[i]!;
      if (!this.takesRequests(i)) continue;
      if (best === undefined || r.outstanding < best.outstanding) best = r;
    }
    return best;
  }

  /** Sends a request to the least-loaded replica that takes requests, or holds it. */
  dispatch(id: ReqId, now: number): void {
    const best = this.leastLoaded();
    if (best) best.enqueue(id, now);
    else {
      this.holding.pushBack(id);
      this.onQueueChange(1, now, this.table.lowPriority[id] === 1);
    }
  }

  /** Dispatches every held request now that some replica takes requests again. */
  releaseHolding(now: number): void {
    while (this.holding.length > 0) {
      const id = this.holding.popFront();
      this.onQueueChange(-1, now, this.table.lowPriority[id] === 1);
      this.dispatch(id, now);
    }
  }

  /** Replicas that take new requests now. */
  upReplicas(): number {
    let n = 0;
    for (let i = 0; i < this.replicas.length; i++) if (this.takesRequests(i)) n++;
    return n;
  }

  /** Interactive requests waiting count toward the queue's capacity and length; batch work does not. */
  onQueueChange(delta: number, now: number, batch = false): void {
    if (batch) return;
    this.queued += delta;
    this.queueLevel.set(now, this.queued);
  }

  onAdmit(now: number): void {
    this.admitGap += 0.1 * (now - this.lastAdmit - this.admitGap);
    this.lastAdmit = now;
  }

  /**
   * Zero when the least-loaded replica that is up has room in its batch and nothing queued;
   * else the requests waiting (and this one) times the recent gap between admissions: how
   * long the fleet takes to work through its queue at the pace it admits.
   */
  predictedWait(maxNumSeqs: number): number {
    const best = this.leastLoaded();
    if (!best) return Infinity;
    if (best.queued === 0 && best.runningCount < maxNumSeqs) return 0;
    return (this.queued + 1) * this.admitGap;
  }
}
