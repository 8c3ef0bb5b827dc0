/**
 * A fleet of LLM replicas (serving/replica.ts) behind a least-loaded dispatcher: each
 * arrival goes to the replica with the fewest requests queued or running (ties to the
 * lowest index), as a load balancer with least-outstanding-requests routing does. Each
 * replica keeps its own queue; `queue.capacity` bounds the requests waiting across the
 * fleet and `queue.timeout` fails requests never admitted within it.
 *
 * Replicas run in GPU pools (pools.ts). A spot replica is preempted at a Poisson hazard:
 * at the notice it stops taking new requests; when the notice runs out, the requests it
 * still holds go back to the dispatcher (to be prefilled again elsewhere) and the replica
 * is away, unbilled, until its replacement is serving. While no replica can take
 * requests, they wait in the fleet's holding queue.
 *
 * A managed endpoint (`managed` options) starts cold: the first request starts every
 * replica, which serves after the cold start; once the fleet has held no request for the
 * idle timeout it scales to zero again. Each warm period is billed per GPU-second,
 * rounded up to the billing increment.
 */
import type { Simulation } from '../engine/index.js';
import type { RunRecorder } from '../metrics/index.js';
import { overlap, TimeWeightedLevel } from '../metrics/index.js';
import type { Rng } from '../random/index.js';
import { IdDeque, LlmReplica, RequestTable, type ReqId, type ReplicaSink, type SchedulerLimits, type StepTimeModel } from '../serving/index.js';
import type { FleetEnd, FleetRuntime } from './fleet-runtime.js';
import { placeReplicas, poolCharges, type PoolName, type ResolvedPools } from './pools.js';

export interface LlmFleetOptions {
  readonly replicas: number;
  readonly stepTime: StepTimeModel;
  readonly kvBlocks: number;
  /** Requests longer than this (prompt + output tokens) can never fit and are rejected. */
  readonly maxRequestTokens: number;
  readonly limits: SchedulerLimits;
  readonly queueCapacity: number | undefined;
  readonly queueTimeout: number | undefined;
  readonly window: { readonly from: number; readonly to: number };
  /** GPU pools and prices; without them the fleet bills nothing. */
  readonly pools?: ResolvedPools | undefined;
  /** Draws spot preemption times. */
  readonly preemptionRng?: Rng | undefined;
  /** Scale-to-zero billing of a managed endpoint (instead of pools). */
  readonly managed?: ManagedScaling | undefined;
}

export interface ManagedScaling {
  readonly gpu: string;
  readonly gpusPerReplica: number;
  readonly pricePerGpuHour: number;
  readonly billingIncrement: number;
  readonly idleTimeout: number;
  readonly coldStart: number;
}

const COLD = 0;
const STARTING = 1;
const WARM = 2;

export class LlmFleet implements FleetRuntime, ReplicaSink {
  private readonly table = new RequestTable();
  private readonly replicas: LlmReplica[];
  private readonly queueLevel: TimeWeightedLevel;
  private queued = 0;
  /** Requests that arrived (or were evicted) while no replica could take them. */
  private readonly holding = new IdDeque();
  private readonly placement: PoolName[];
  /** A replica stops taking new requests from its preemption notice until it is back. */
  private readonly draining: boolean[];
  private readonly upSince: number[];
  private readonly upSeconds: number[];
  private spotPreemptions = 0;
  private readonly noticeKind: number;
  private readonly evictKind: number;
  private readonly restoreKind: number;
  private endpointState = WARM;
  private warmSince = 0;
  private idleGen = 0;
  private warmBilledSeconds = 0;
  private coldStarts = 0;
  private readonly warmKind: number;
  private readonly idleKind: number;

  constructor(
    private readonly sim: Simulation,
    private readonly recorder: RunRecorder,
    private readonly opts: LlmFleetOptions,
  ) {
    this.queueLevel = new TimeWeightedLevel(opts.window.from, opts.window.to);
    const wakeKind = sim.register((index, gen, now) => this.replicas[index]!.wake(gen, now));
    this.replicas = Array.from(
      { length: opts.replicas },
      (_, index) =>
        new LlmReplica(sim, this.table, this, { index, stepTime: opts.stepTime, kvBlocks: opts.kvBlocks, limits: opts.limits, queueTimeout: opts.queueTimeout, window: opts.window }, wakeKind),
    );
    this.placement = opts.pools ? placeReplicas(opts.replicas, opts.pools) : Array.from({ length: opts.replicas }, () => 'onDemand' as const);
    this.draining = this.replicas.map(() => false);
    this.upSince = this.replicas.map(() => 0);
    this.upSeconds = this.replicas.map(() => 0);
    this.noticeKind = sim.register((index, _gen, now) => this.notice(index, now));
    this.evictKind = sim.register((index, _gen, now) => this.evict(index, now));
    this.restoreKind = sim.register((index, _gen, now) => this.restore(index, now));
    this.placement.forEach((pool, i) => {
      if (pool === 'spot') this.schedulePreemption(i, 0);
    });
    this.warmKind = sim.register((_i, _gen, now) => this.warm(now));
    this.idleKind = sim.register((_i, gen, now) => this.idleCheck(gen, now));
    if (opts.managed) {
      this.endpointState = COLD;
      for (const r of this.replicas) r.evict(0);
    }
  }

  private outstanding(): number {
    let n = this.holding.length;
    for (const r of this.replicas) n += r.outstanding;
    return n;
  }

  /** Managed endpoint: the cold start is over; every replica takes requests. */
  private warm(now: number): void {
    this.endpointState = WARM;
    for (const r of this.replicas) r.restore(now);
    this.releaseHolding(now);
  }

  private idleCheck(gen: number, now: number): void {
    if (gen !== this.idleGen || this.endpointState !== WARM || this.outstanding() > 0) return;
    this.closeWarmPeriod(now);
    this.endpointState = COLD;
    for (const r of this.replicas) r.evict(now);
  }

  /** Bills a warm period [warmSince, end], clipped to the window and rounded up to the increment. */
  private closeWarmPeriod(end: number): void {
    const m = this.opts.managed!;
    const seconds = overlap(this.warmSince, end, this.opts.window.from, this.opts.window.to);
    if (seconds > 0) this.warmBilledSeconds += Math.ceil(seconds / m.billingIncrement - 1e-9) * m.billingIncrement;
  }

  private schedulePreemption(index: number, now: number): void {
    const hazard = this.opts.pools?.spot?.preemptionsPerHour ?? 0;
    if (!(hazard > 0) || !this.opts.preemptionRng) return;
    const at = now + (-Math.log(1 - this.opts.preemptionRng()) * 3600) / hazard;
    if (at <= this.opts.window.to) this.sim.schedule(at, this.noticeKind, index);
  }

  private notice(index: number, now: number): void {
    this.draining[index] = true;
    if (this.recorder.counts(now)) this.spotPreemptions++;
    this.sim.schedule(now + (this.opts.pools?.spot?.notice ?? 0), this.evictKind, index);
  }

  private evict(index: number, now: number): void {
    this.upSeconds[index]! += overlap(this.upSince[index]!, now, this.opts.window.from, this.opts.window.to);
    for (const id of this.replicas[index]!.evict(now)) this.dispatch(id, now);
    this.sim.schedule(now + (this.opts.pools?.spot?.replacementDelay ?? 0), this.restoreKind, index);
  }

  private restore(index: number, now: number): void {
    this.draining[index] = false;
    this.upSince[index] = now;
    this.replicas[index]!.restore(now);
    this.releaseHolding(now);
    this.schedulePreemption(index, now);
  }

  /** Dispatches every held request now that some replica takes requests again. */
  private releaseHolding(now: number): void {
    while (this.holding.length > 0) {
      this.onQueueChange(-1, now);
      this.dispatch(this.holding.popFront(), now);
    }
  }

  /** Sends a request to the least-loaded replica that takes requests, or holds it. */
  private dispatch(id: ReqId, now: number): void {
    let best: LlmReplica | undefined;
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[i]!;
      if (this.draining[i] || r.isDown) continue;
      if (best === undefined || r.outstanding < best.outstanding) best = r;
    }
    if (best) best.enqueue(id, now);
    else {
      this.holding.pushBack(id);
      this.onQueueChange(1, now);
    }
  }

  arrive(now: number, inputTokens: number, outputTokens: number, classId = 0): void {
    this.recorder.onArrival(now);
    if (inputTokens + outputTokens > this.opts.maxRequestTokens) {
      this.recorder.onFailure(now, 'rejected');
      return;
    }
    if (this.opts.queueCapacity !== undefined && this.queued >= this.opts.queueCapacity) {
      this.recorder.onFailure(now, 'rejected');
      return;
    }
    const managed = this.opts.managed;
    if (managed) {
      this.idleGen++;
      if (this.endpointState === COLD) {
        this.endpointState = STARTING;
        this.warmSince = now;
        if (this.recorder.counts(now)) this.coldStarts++;
        this.sim.schedule(now + managed.coldStart, this.warmKind);
      }
    }
    this.dispatch(this.table.add(now, inputTokens, outputTokens, classId), now);
  }

  onAdmit(id: ReqId, now: number): void {
    this.recorder.onStart(this.table.arrival[id]!, now);
  }

  onFirstToken(id: ReqId, now: number): void {
    this.recorder.onFirstToken(this.table.arrival[id]!, now);
  }

  onFinish(id: ReqId, now: number): void {
    const t = this.table;
    this.recorder.onSuccess(t.arrival[id]!, now, t.firstToken[id]!, t.classId[id]!);
    this.recorder.onTokens(t.arrival[id]!, t.firstToken[id]!, now, t.output[id]!);
    t.release(id);
    this.maybeIdle(now);
  }

  /**
   * Managed endpoint: after a request ends, check again in one idle timeout; if nothing has
   * arrived since (arrivals bump the generation) and nothing is left, scale to zero. (The
   * request that just ended is still counted by its replica here, so the check waits.)
   */
  private maybeIdle(now: number): void {
    const managed = this.opts.managed;
    if (!managed) return;
    this.sim.schedule(now + managed.idleTimeout, this.idleKind, 0, ++this.idleGen);
  }

  onTimeout(id: ReqId, deadline: number, now: number): void {
    this.queueLevel.retract(deadline, now, 1);
    this.recorder.onFailure(this.table.arrival[id]!, 'timedOut');
    this.table.release(id);
    this.maybeIdle(now);
  }

  onQueueChange(delta: number, now: number): void {
    this.queued += delta;
    this.queueLevel.set(now, this.queued);
  }

  end(horizon: number): FleetEnd {
    let inFlight = 0;
    const { from, to } = this.opts.window;
    const width = to - from;
    let busy = 0;
    let batchArea = 0;
    let kvArea = 0;
    const replicaUtilization: number[] = [];
    for (let i = 0; i < this.holding.length; i++) if (this.recorder.counts(this.table.arrival[this.holding.at(i)]!)) inFlight++;
    this.replicas.forEach((r, i) => {
      if (!r.isDown) this.upSeconds[i]! += overlap(this.upSince[i]!, horizon, from, to);
    });
    for (const r of this.replicas) {
      r.end(horizon);
      r.forEachInFlight((id) => {
        if (this.recorder.counts(this.table.arrival[id]!)) inFlight++;
      });
      replicaUtilization.push(r.busyTime / width);
      busy += r.busyTime;
      batchArea += r.batchArea;
      kvArea += r.kvArea;
    }
    const queueLength = this.queueLevel.average();
    const gpusPerReplica = this.opts.pools?.gpusPerReplica ?? 1;
    let bill: { charges: { item: string; usd: number }[]; billedGpuSeconds: number } = { charges: [], billedGpuSeconds: 0 };
    const managed = this.opts.managed;
    if (managed) {
      if (this.endpointState !== COLD) this.closeWarmPeriod(horizon);
      const gpuSeconds = this.warmBilledSeconds * this.replicas.length * managed.gpusPerReplica;
      bill = { charges: gpuSeconds > 0 ? [{ item: `managed.${managed.gpu}`, usd: (gpuSeconds / 3600) * managed.pricePerGpuHour }] : [], billedGpuSeconds: gpuSeconds };
    } else if (this.opts.pools) {
      bill = poolCharges(this.opts.pools, this.placement, this.upSeconds, width);
    }
    return {
      charges: bill.charges,
      billedGpuSeconds: bill.billedGpuSeconds,
      busyGpuSeconds: busy * gpusPerReplica,
      spotPreemptions: this.spotPreemptions,
      coldStarts: this.coldStarts,
      inFlight,
      replicaUtilization,
      utilization: busy / (width * this.replicas.length),
      queueLength,
      inSystem: NaN,
      meanBatch: busy > 0 ? batchArea / busy : NaN,
      kvOccupancy: kvArea / (width * this.replicas.length * this.opts.kvBlocks),
      preemptions: this.replicas.reduce((n, r) => n + r.preemptions, 0),
    };
  }
}
