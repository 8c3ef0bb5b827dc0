/**
 * The autoscaler's decision, as Kubernetes' Horizontal Pod Autoscaler makes it (and BLIS
 * models it): each tick, read the metric (averaged over the serving replicas) as it was
 * `metricsDelay` ago and want ceil(serving × metric / target) replicas, unless the metric
 * is within `tolerance` of the target (replicas still provisioning are counted as current
 * but carry no load, as the HPA leaves unready pods out of the average); clamp to [min, max] (min raised by the schedule at this time of day); scale
 * up at once, but down only to the highest want of the last `scaleDownWindow` (the
 * stabilization window); move by at most `maxStep` per tick.
 *
 * The fleet acts on the decision (llm-fleet.ts): this object only remembers the samples and
 * wants it needs. Pure but for that memory; no randomness.
 */
export type AutoscaleMetric = 'waitingPerReplica' | 'runningPerReplica' | 'kvOccupancy' | 'busyFraction' | 'arrivalsPerReplica';

export interface AutoscalePolicy {
  readonly metric: AutoscaleMetric;
  readonly target: number;
  readonly min: number;
  readonly max: number;
  readonly tick: number;
  readonly metricsDelay: number;
  readonly scaleDownWindow: number;
  readonly maxStep: number | undefined;
  readonly tolerance: number;
  readonly scaleToZero: boolean;
  readonly schedule: readonly { readonly from: number; readonly to: number; readonly min: number }[] | undefined;
}

const DAY = 86_400;

/** The minimum at time `now`: the policy's, raised by any schedule entry covering this time of day. */
export function minimumAt(policy: AutoscalePolicy, now: number): number {
  const clock = ((now % DAY) + DAY) % DAY;
  let min = policy.min;
  for (const s of policy.schedule ?? []) {
    const inside = s.from <= s.to ? clock >= s.from && clock < s.to : clock >= s.from || clock < s.to;
    if (inside) min = Math.max(min, s.min);
  }
  return min;
}

export class Autoscaler {
  private readonly samples: number[] = [];
  private readonly wants: { time: number; replicas: number }[] = [];
  private readonly delayTicks: number;

  constructor(readonly policy: AutoscalePolicy) {
    this.delayTicks = Math.round(policy.metricsDelay / policy.tick);
  }

  /**
   * The replicas wanted now, given `current` (serving or on their way), `serving` (those
   * the metric averages over) and the metric measured now; `demand` says whether any
   * request waits or arrived (it wakes a fleet scaled to zero, which has no metric).
   */
  decide(now: number, current: number, metricNow: number, demand: boolean, serving = current): number {
    const p = this.policy;
    this.samples.push(metricNow);
    if (this.samples.length > this.delayTicks + 1) this.samples.shift();
    const metric = this.samples[0]!;
    let want: number;
    if (current === 0) want = demand ? 1 : 0;
    else if (serving === 0) want = current;
    else if (!Number.isFinite(metric)) want = current + 1;
    else {
      const ratio = metric / p.target;
      want = Math.abs(ratio - 1) <= p.tolerance ? current : Math.ceil(serving * ratio - 1e-9);
    }
    const floor = Math.max(minimumAt(p, now), p.scaleToZero ? 0 : 1);
    want = Math.min(p.max, Math.max(floor, want));
    this.wants.push({ time: now, replicas: want });
    while (this.wants.length > 0 && this.wants[0]!.time < now - p.scaleDownWindow) this.wants.shift();
    if (want < current) {
      // Stabilization: never below the highest want of the window.
      let highest = want;
      for (const w of this.wants) highest = Math.max(highest, w.replicas);
      want = Math.min(current, highest);
    }
    if (p.maxStep !== undefined) want = Math.max(current - p.maxStep, Math.min(current + p.maxStep, want));
    return want;
  }
}
