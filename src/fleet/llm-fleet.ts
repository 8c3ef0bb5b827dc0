/**
 * A fleet of LLM replicas (serving/replica.ts) behind a least-loaded dispatcher: each
 * submitted request goes to the replica with the fewest requests queued or running (ties
 * to the lowest index), as a load balancer with least-outstanding-requests routing does.
 * Each replica keeps its own queue; `queue.capacity` bounds the requests waiting across the
 * fleet and `queue.timeout` fails requests never admitted within it. The fleet refuses a
 * request longer than a replica can hold (`tooLong`) and one that finds the waiting room
 * full (`queueFull`, or `unavailable` when no replica is up to drain it).
 *
 * Replicas run in GPU pools (pools.ts). A spot replica is preempted at a Poisson hazard:
 * at the notice it stops taking new requests; when the notice runs out, the requests it
 * still holds go back to the dispatcher (to be prefilled again elsewhere) and the replica
 * is away, unbilled, until its replacement is serving. While no replica can take
 * requests, they wait in the fleet's holding queue.
 *
 * A managed endpoint (`managed` options) starts cold, every slot gone: the first request
 * provisions every replica (billed from then), which serves after the cold start; once the
 * fleet has held no request for the idle timeout, every replica goes again (scale to zero).
 * Each warm period is billed per GPU-second, rounded up to the billing increment.
 *
 * Each replica slot goes through one lifecycle: gone (not provisioned) → provisioning
 * (billed, serves nothing) → active → draining (takes no new request, finishes what it
 * holds) → gone; or active → failed → active after its repair (billed throughout), or
 * active → preempted (spot: unbilled) → active after its replacement. An autoscaler
 * (autoscaler.ts) drives provisioning and draining on its tick; reserved replicas are the
 * always-on base, scale-out takes the first spill pool (on-demand stockouts are asked
 * again next tick), and scale-in drains on-demand before spot, newest first. Events for a
 * slot carry its generation, so those of a slot that has since gone are ignored.
 */
import { type Backend, type BackendContext, type BackendReport, type BackendSample, type GpuMeter, type Refusal, type ReqId } from '../backend/index.js';
import { monthsOf } from '../metrics/index.js';
import type { Rng } from '../random/index.js';
import { LlmReplica, saturationRate, type ReplicaSink, type SchedulerLimits, type StepTimeModel } from '../serving/index.js';
import { Autoscaler, type AutoscalePolicy } from './autoscaler.js';
import { placeReplicas, type FleetPools, type PoolName } from './pools.js';
import { SlotMeter } from './slot-meter.js';
import { Dispatcher } from './dispatcher.js';

export interface LlmFleetOptions {
  readonly name: string;
  readonly replicas: number;
  readonly stepTime: StepTimeModel;
  readonly kvBlocks: number;
  /** Requests longer than this (prompt + output tokens) can never fit and are rejected. */
  readonly maxRequestTokens: number;
  readonly limits: SchedulerLimits;
  readonly queueCapacity: number | undefined;
  readonly queueTimeout: number | undefined;
  /** GPU pools the replicas run in (a managed endpoint has none: see `managed`). */
  readonly pools?: FleetPools | undefined;
  /** Draws spot preemption times. */
  readonly preemptionRng?: Rng | undefined;
  /** Replica failures (per replica, exponential times between failures and to repair), and their draws. */
  readonly failures?: { readonly mtbf: number; readonly mttr: number; readonly inFlight: 'requeue' | 'fail' } | undefined;
  readonly failureRng?: Rng | undefined;
  /** Scale-to-zero and per-increment metering of a managed endpoint (instead of pools). */
  readonly managed?: ManagedScaling | undefined;
  /** An autoscaler, its provisioning delay and the draws for delays and stockouts. */
  readonly autoscale?: (AutoscalePolicy & { readonly provisioning: () => number; readonly stockout: number; readonly rng: Rng }) | undefined;
}

export interface ManagedScaling {
  readonly gpu: string;
  readonly gpusPerReplica: number;
  readonly billingIncrement: number;
  readonly idleTimeout: number;
  readonly coldStart: number;
}

const COLD = 0;
const STARTING = 1;
const WARM = 2;

export class LlmFleet implements Backend, ReplicaSink {
  readonly name: string;
  private readonly replicas: LlmReplica[];
  private readonly dispatcher: Dispatcher;

  private readonly placement: PoolName[];
  /** A replica stops taking new requests from its preemption notice until it is back. */
  private readonly draining: boolean[];
  private readonly meter: SlotMeter;
  private spotPreemptions = 0;
  /** A failed replica is down until repaired, and billed all the while (it is not given back). */
  private readonly failed: boolean[];
  private replicaFailures = 0;
  private readonly failKind: number;
  private readonly repairKind: number;
  private readonly noticeKind: number;
  private readonly evictKind: number;
  private readonly restoreKind: number;
  private endpointState = WARM;
  /** When a starting endpoint will be warm. */
  private warmAt = 0;
  private idleGen = 0;
  private coldStarts = 0;
  private readonly warmKind: number;
  private readonly idleKind: number;
  private readonly servedTokensByClass: number[] = [];
  /** Slot lifecycle beyond up/down: billed now, not provisioned, provisioning, drained by the autoscaler; and each slot's event generation. */
  private readonly gone: boolean[];
  private readonly provisioning: boolean[];
  private readonly scaledDown: boolean[];
  private readonly slotGen: number[];
  private scaledDownCount = 0;
  private readonly readyKind: number;
  private readonly autoscaler: Autoscaler | undefined;
  private arrivalsSinceTick = 0;
  private readonly arrivalCounts: number[] = [];
  private stockouts = 0;
  private scaleUps = 0;
  private scaleDowns = 0;
  /** Counted requests completed here, and their prompt and output tokens (for capacity utilization). */
  private completed = 0;
  private completedInput = 0;
  private completedOutput = 0;

  constructor(
    private readonly ctx: BackendContext,
    private readonly opts: LlmFleetOptions,
  ) {
    this.name = opts.name;
    const sim = ctx.sim;
    const wakeKind = sim.register((index, gen, now) => this.replicas[index]!.wake(gen, now));
    const a = opts.autoscale;
    const slots = a ? Math.max(a.max, opts.replicas) : opts.replicas;
    this.replicas = Array.from(
      { length: slots },
      (_, index) =>
        new LlmReplica(sim, ctx.table, this, { index, stepTime: opts.stepTime, kvBlocks: opts.kvBlocks, limits: opts.limits, queueTimeout: opts.queueTimeout, window: ctx.window }, wakeKind),
    );
    // Replica i takes new requests while it is up and not draining.
    this.dispatcher = new Dispatcher(this.replicas, (i) => !this.draining[i] && !this.replicas[i]!.isDown, ctx.table, ctx.window);
    this.placement = opts.pools ? placeReplicas(slots, opts.pools) : Array.from({ length: slots }, () => 'onDemand' as const);
    // Reserved replicas are always on; an autoscaled fleet starts with at least them.
    const reserved = this.placement.filter((pool) => pool === 'reserved').length;
    const initial = a ? Math.min(slots, Math.max(opts.replicas, reserved)) : opts.replicas;
    this.draining = this.replicas.map(() => false);
    // A managed endpoint starts scaled to zero: every slot gone, nothing billed.
    const billedAtStart = opts.managed ? 0 : initial;
    this.meter = new SlotMeter(slots, billedAtStart, ctx.window, monthsOf(ctx.window.from, ctx.window.to), opts.managed?.billingIncrement);
    this.gone = this.replicas.map((_, i) => i >= initial);
    this.provisioning = this.replicas.map(() => false);
    this.scaledDown = this.replicas.map(() => false);
    this.slotGen = this.replicas.map(() => 0);
    this.noticeKind = sim.register((index, gen, now) => gen === this.slotGen[index] && this.notice(index, now));
    this.evictKind = sim.register((index, gen, now) => gen === this.slotGen[index] && this.evict(index, now));
    this.restoreKind = sim.register((index, gen, now) => gen === this.slotGen[index] && this.restore(index, now));
    this.readyKind = sim.register((index, gen, now) => gen === this.slotGen[index] && this.ready(index, now));
    this.failed = this.replicas.map(() => false);
    this.failKind = sim.register((index, gen, now) => gen === this.slotGen[index] && this.fail(index, now));
    this.repairKind = sim.register((index, gen, now) => gen === this.slotGen[index] && this.repair(index, now));
    for (let i = 0; i < initial; i++) if (this.placement[i] === 'spot') this.schedulePreemption(i, 0);
    if (opts.failures) for (let i = 0; i < initial; i++) this.scheduleFailure(i, 0);
    for (let i = initial; i < slots; i++) {
      this.replicas[i]!.evict(0);
      this.draining[i] = true;
    }
    this.autoscaler = a ? new Autoscaler(a) : undefined;
    if (a) sim.every(a.tick, a.tick, (_k, now) => this.tick(now));
    this.warmKind = sim.register((_i, _gen, now) => this.warm(now));
    this.idleKind = sim.register((_i, gen, now) => this.idleCheck(gen, now));
    if (opts.managed) {
      this.endpointState = COLD;
      for (let i = 0; i < slots; i++) {
        this.replicas[i]!.evict(0);
        this.gone[i] = true;
        this.draining[i] = true;
      }
    }
  }

  private counts(id: ReqId): boolean {
    return this.ctx.table.arrival[id]! >= this.ctx.window.from;
  }

  get outstanding(): number {
    let n = this.dispatcher.holding.length;
    for (const r of this.replicas) n += r.outstanding;
    return n;
  }

  /** Managed endpoint: the cold start is over; every replica is active. */
  private warm(now: number): void {
    this.endpointState = WARM;
    for (let i = 0; i < this.replicas.length; i++) {
      this.provisioning[i] = false;
      this.draining[i] = false;
      this.replicas[i]!.restore(now);
    }
    this.dispatcher.releaseHolding(now);
  }

  /** Managed endpoint: idle for the idle timeout, every replica goes (scale to zero). */
  private idleCheck(gen: number, now: number): void {
    if (gen !== this.idleGen || this.endpointState !== WARM || this.outstanding > 0) return;
    this.endpointState = COLD;
    for (let i = 0; i < this.replicas.length; i++) this.goGone(i, now);
  }



  private schedulePreemption(index: number, now: number): void {
    const hazard = this.opts.pools?.spot?.preemptionsPerHour ?? 0;
    if (!(hazard > 0) || !this.opts.preemptionRng) return;
    const at = now + (-Math.log(1 - this.opts.preemptionRng()) * 3600) / hazard;
    if (at <= this.ctx.window.to) this.ctx.sim.schedule(at, this.noticeKind, index, this.slotGen[index]);
  }

  private scheduleFailure(index: number, now: number): void {
    const f = this.opts.failures;
    if (!f || !this.opts.failureRng) return;
    const at = now - f.mtbf * Math.log(1 - this.opts.failureRng());
    if (at <= this.ctx.window.to) this.ctx.sim.schedule(at, this.failKind, index, this.slotGen[index]);
  }

  /**
   * A replica fails: the requests it was running fail (`errored`) or go back to the
   * dispatcher, as configured; those still queued on it go back either way. A replica that
   * is already away (preempted, failed) does not fail again; its next failure is drawn anew.
   */
  private fail(index: number, now: number): void {
    const replica = this.replicas[index]!;
    const f = this.opts.failures!;
    if (this.draining[index] || replica.isDown) {
      this.scheduleFailure(index, now);
      return;
    }
    this.failed[index] = true;
    this.draining[index] = true;
    if (now >= this.ctx.window.from) this.replicaFailures++;
    const running = replica.runningCount;
    const ids = replica.evict(now);
    ids.forEach((id, k) => {
      if (k < running && f.inFlight === 'fail') this.ctx.sink.failed(id, now, 'errored');
      else this.dispatcher.dispatch(id, now);
    });
    this.ctx.sim.schedule(now - f.mttr * Math.log(1 - this.opts.failureRng!()), this.repairKind, index, this.slotGen[index]);
  }

  private repair(index: number, now: number): void {
    this.failed[index] = false;
    this.draining[index] = false;
    this.replicas[index]!.restore(now);
    this.dispatcher.releaseHolding(now);
    this.scheduleFailure(index, now);
    this.maybeIdle(now);
  }

  private notice(index: number, now: number): void {
    if (this.failed[index]) {
      // Being repaired: the provider's preemption finds nothing to take; draw the next one.
      this.schedulePreemption(index, now);
      return;
    }
    if (now >= this.ctx.window.from) this.spotPreemptions++;
    if (this.scaledDown[index]) {
      // Being drained anyway: it goes now, and what it held goes back to the dispatcher.
      this.goGone(index, now);
      return;
    }
    this.draining[index] = true;
    this.ctx.sim.schedule(now + (this.opts.pools?.spot?.notice ?? 0), this.evictKind, index, this.slotGen[index]);
  }

  private evict(index: number, now: number): void {
    this.meter.stop(index, now);
    for (const id of this.replicas[index]!.evict(now)) this.dispatcher.dispatch(id, now);
    this.ctx.sim.schedule(now + (this.opts.pools?.spot?.replacementDelay ?? 0), this.restoreKind, index, this.slotGen[index]);
  }

  private restore(index: number, now: number): void {
    this.draining[index] = false;
    this.meter.start(index, now);
    this.replicas[index]!.restore(now);
    this.dispatcher.releaseHolding(now);
    this.schedulePreemption(index, now);
  }

  /** Slots serving (active), or on their way (provisioning, failed, preempted), and not being drained away. */
  private currentReplicas(): number {
    let n = 0;
    for (let i = 0; i < this.replicas.length; i++) if (!this.gone[i] && !this.scaledDown[i]) n++;
    return n;
  }

  /** The autoscaler's tick: measure, decide, provision or drain. */
  private tick(now: number): void {
    const a = this.opts.autoscale!;
    this.checkDrained(now);
    const { serving, waiting, running, busy, kvOccupancy } = this.sample();
    const per = (x: number) => (serving > 0 ? x / serving : x > 0 ? Infinity : 0);
    const metric =
      a.metric === 'waitingPerReplica'
        ? per(waiting)
        : a.metric === 'runningPerReplica'
          ? per(running)
          : a.metric === 'kvOccupancy'
            ? (serving > 0 ? kvOccupancy : 0)
            : a.metric === 'busyFraction'
              ? per(busy)
              : per(this.recentArrivalRate(a.tick));
    const demand = waiting > 0 || this.arrivalsSinceTick > 0;
    this.arrivalsSinceTick = 0;
    const current = this.currentReplicas();
    const want = this.autoscaler!.decide(now, current, metric, demand, serving);
    if (want > current) this.scaleUp(want - current, now);
    else if (want < current) this.scaleDown(current - want, now);
  }

  /**
   * Arrivals per second over the last minute (or the last tick, if longer): a rate read
   * over one 15-second tick is too noisy to scale on, as a metrics pipeline averages too.
   */
  private recentArrivalRate(tick: number): number {
    const ticks = Math.max(1, Math.round(60 / tick));
    this.arrivalCounts.push(this.arrivalsSinceTick);
    if (this.arrivalCounts.length > ticks) this.arrivalCounts.shift();
    return this.arrivalCounts.reduce((a, x) => a + x, 0) / (this.arrivalCounts.length * tick);
  }

  /** Asks for n more replicas: drained ones come back first, then gone slots are provisioned. */
  private scaleUp(n: number, now: number): void {
    const a = this.opts.autoscale!;
    for (let i = 0; i < this.replicas.length && n > 0; i++) {
      if (!this.scaledDown[i]) continue;
      this.scaledDown[i] = false;
      this.scaledDownCount--;
      this.draining[i] = false;
      n--;
    }
    for (let i = 0; i < this.replicas.length && n > 0; i++) {
      if (!this.gone[i]) continue;
      n--;
      if (this.placement[i] === 'onDemand' && a.stockout > 0 && a.rng() < a.stockout) {
        if (now >= this.ctx.window.from) this.stockouts++;
        continue;
      }
      this.gone[i] = false;
      this.provisioning[i] = true;
      this.meter.start(i, now);
      if (now >= this.ctx.window.from) this.scaleUps++;
      this.ctx.sim.schedule(now + Math.max(0, a.provisioning()), this.readyKind, i, this.slotGen[i]);
    }
  }

  /** A provisioned replica is ready: it serves from now. */
  private ready(index: number, now: number): void {
    this.provisioning[index] = false;
    this.draining[index] = false;
    this.replicas[index]!.restore(now);
    this.dispatcher.releaseHolding(now);
    if (this.placement[index] === 'spot') this.schedulePreemption(index, now);
    this.scheduleFailure(index, now);
  }

  /** Lets n replicas go: provisioning ones first, then serving ones (on-demand before spot, newest first; never reserved). */
  private scaleDown(n: number, now: number): void {
    for (let i = this.replicas.length - 1; i >= 0 && n > 0; i--) {
      if (!this.provisioning[i]) continue;
      this.provisioning[i] = false;
      this.goGone(i, now);
      n--;
    }
    for (const pool of ['onDemand', 'spot'] as const) {
      for (let i = this.replicas.length - 1; i >= 0 && n > 0; i--) {
        if (this.placement[i] !== pool || this.gone[i] || this.scaledDown[i] || this.draining[i] || this.replicas[i]!.isDown) continue;
        this.scaledDown[i] = true;
        this.scaledDownCount++;
        this.draining[i] = true;
        if (now >= this.ctx.window.from) this.scaleDowns++;
        n--;
      }
    }
    this.checkDrained(now);
  }

  /** Drained replicas that hold nothing more are gone. */
  private checkDrained(now: number): void {
    if (this.scaledDownCount === 0) return;
    for (let i = 0; i < this.replicas.length; i++) if (this.scaledDown[i] && this.replicas[i]!.outstanding === 0) this.goGone(i, now);
  }

  /** The slot leaves service: unbilled, its pending events void; whatever it held goes back to the dispatcher. */
  private goGone(index: number, now: number): void {
    if (this.scaledDown[index]) {
      this.scaledDown[index] = false;
      this.scaledDownCount--;
    }
    this.meter.stop(index, now);
    this.gone[index] = true;
    this.draining[index] = true;
    this.failed[index] = false;
    this.slotGen[index]!++;
    const r = this.replicas[index]!;
    const held = r.isDown ? [] : r.evict(now);
    for (const id of held) this.dispatcher.dispatch(id, now);
  }

  refusal(inputTokens: number, outputTokens: number): Refusal | undefined {
    if (inputTokens + outputTokens > this.opts.maxRequestTokens) return 'tooLong';
    if (this.opts.queueCapacity !== undefined && this.dispatcher.queued >= this.opts.queueCapacity) {
      // A full waiting room with nothing up to drain it is a capacity outage, not a busy queue.
      return this.dispatcher.upReplicas() === 0 && !this.opts.managed ? 'unavailable' : 'queueFull';
    }
    return undefined;
  }

  predictedWait(): number {
    return this.dispatcher.predictedWait(this.opts.limits.maxNumSeqs);
  }

  sample(): BackendSample {
    let serving = 0;
    let provisioning = 0;
    let waiting = this.dispatcher.holding.length;
    let running = 0;
    let busy = 0;
    let kv = 0;
    const billedGpus = { reserved: 0, onDemand: 0, spot: 0, managed: 0 };
    const managed = this.opts.managed;
    const gpusPerReplica = managed ? managed.gpusPerReplica : (this.opts.pools?.gpusPerReplica ?? 1);
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[i]!;
      waiting += r.queued + r.batchWaiting.length;
      if (this.provisioning[i]) provisioning++;
      if (this.meter.billed[i]) {
        const pool = managed ? 'managed' : this.placement[i]!;
        if (pool !== 'reserved') billedGpus[pool] += gpusPerReplica;
      }
      if (this.draining[i] || r.isDown) continue;
      serving++;
      running += r.runningCount;
      kv += r.kvBlocksUsed;
      if (r.runningCount > 0) busy++;
    }
    // Reserved GPUs are billed whether a replica uses them or not.
    billedGpus.reserved = this.opts.pools?.reservedGpus ?? 0;
    return { serving, provisioning, billedGpus, waiting, running, busy, kvOccupancy: serving > 0 ? kv / (serving * this.opts.kvBlocks) : NaN, tokens: undefined };
  }

  available(now: number, patience: number): boolean {
    if (this.opts.managed) {
      if (this.endpointState === WARM) return true;
      const ready = this.endpointState === STARTING ? this.warmAt : now + this.opts.managed.coldStart;
      return ready - now <= patience;
    }
    return this.dispatcher.upReplicas() > 0;
  }

  submit(id: ReqId, now: number): void {
    this.ctx.table.resetWork(id, now);
    if (this.autoscaler) {
      this.arrivalsSinceTick++;
      // Scaled to zero: the first request asks for a replica at once and waits for it (a cold start).
      if (this.currentReplicas() === 0) {
        if (now >= this.ctx.window.from) this.coldStarts++;
        this.scaleUp(1, now);
      }
    }
    const managed = this.opts.managed;
    if (managed) {
      this.idleGen++;
      if (this.endpointState === COLD) {
        // A cold start: every replica provisions (billed from now) and serves after it.
        this.endpointState = STARTING;
        for (let i = 0; i < this.replicas.length; i++) {
          this.gone[i] = false;
          this.provisioning[i] = true;
          this.meter.start(i, now);
        }
        if (now >= this.ctx.window.from) this.coldStarts++;
        this.warmAt = now + managed.coldStart;
        this.ctx.sim.schedule(this.warmAt, this.warmKind);
      }
    }
    this.dispatcher.dispatch(id, now);
  }

  onAdmit(id: ReqId, now: number): void {
    this.dispatcher.onAdmit(now);
    this.ctx.sink.started(id, now);
  }

  onFirstToken(id: ReqId, now: number): void {
    this.ctx.sink.firstToken(id, now);
  }

  onFinish(id: ReqId, now: number): void {
    const t = this.ctx.table;
    if (this.counts(id)) {
      const c = t.classId[id]!;
      this.servedTokensByClass[c] = (this.servedTokensByClass[c] ?? 0) + t.prompt[id]! + t.output[id]!;
      this.completed++;
      this.completedInput += t.prompt[id]!;
      this.completedOutput += t.output[id]!;
    }
    this.ctx.sink.completed(id, now, t.output[id]!);
    this.maybeIdle(now);
    this.checkDrained(now);
  }

  /**
   * Managed endpoint: after a request ends, check again in one idle timeout; if nothing has
   * arrived since (arrivals bump the generation) and nothing is left, scale to zero. (The
   * request that just ended is still counted by its replica here, so the check waits.)
   */
  private maybeIdle(now: number): void {
    const managed = this.opts.managed;
    if (!managed) return;
    this.ctx.sim.schedule(now + managed.idleTimeout, this.idleKind, 0, ++this.idleGen);
  }

  onTimeout(id: ReqId, deadline: number, now: number, reason: 'timedOut' | 'deadlineMissed' = 'timedOut'): void {
    if (reason === 'timedOut') this.dispatcher.queueLevel.retract(deadline, now, 1);
    this.ctx.sink.failed(id, deadline, reason);
    this.maybeIdle(now);
  }

  /**
   * Capacity utilization: the requests served, over what the provisioned replica-time could
   * have served at saturation for the realized request mix (measured as `capsim perf` does,
   * by one replica working through a full queue of such requests).
   */
  private capacityUtilization(provisionedSeconds: number): number {
    if (this.completed === 0 || !(provisionedSeconds > 0)) return this.completed === 0 ? 0 : NaN;
    const input = Math.max(1, Math.round(this.completedInput / this.completed));
    const output = Math.max(1, Math.round(this.completedOutput / this.completed));
    const saturation = saturationRate(this.opts.stepTime, this.opts.kvBlocks, this.opts.limits, input, output);
    return this.completed / (saturation * provisionedSeconds);
  }

  onQueueChange(delta: number, now: number, batch = false): void {
    this.dispatcher.onQueueChange(delta, now, batch);
  }

  end(horizon: number): BackendReport {
    let inFlight = 0;
    const { from, to } = this.ctx.window;
    const width = to - from;
    let busy = 0;
    let batchArea = 0;
    let kvArea = 0;
    const replicaUtilization: number[] = [];
    for (let i = 0; i < this.dispatcher.holding.length; i++) if (this.counts(this.dispatcher.holding.at(i))) inFlight++;
    this.meter.close(horizon);
    for (const r of this.replicas) {
      r.end(horizon);
      r.forEachInFlight((id) => {
        if (this.counts(id)) inFlight++;
      });
      replicaUtilization.push(r.busyTime / width);
      busy += r.busyTime;
      batchArea += r.batchArea;
      kvArea += r.kvArea;
    }
    const managed = this.opts.managed;
    let gpu: GpuMeter[] = [];
    let gpusPerReplica = 1;
    // Replica-seconds provisioned over the window: what capacity utilization divides by.
    let provisionedSeconds = this.meter.provisionedSeconds();
    if (managed) {
      gpusPerReplica = managed.gpusPerReplica;
      const gpuSeconds = provisionedSeconds * managed.gpusPerReplica;
      if (gpuSeconds > 0) gpu = [{ pool: 'managed', gpu: managed.gpu, gpuSeconds }];
    } else if (this.opts.pools) {
      gpusPerReplica = this.opts.pools.gpusPerReplica;
      gpu = this.meter.meters(this.opts.pools, this.placement);
    }
    // Busy time is over the replicas a fixed fleet has; an autoscaled one's over its provisioned time.
    const replicaSeconds = this.autoscaler ? provisionedSeconds : width * this.replicas.length;
    const byMonth =
      this.meter.months.count > 1
        ? Array.from({ length: this.meter.months.count }, (_, k) => {
            if (managed) {
              const gpuSeconds = this.meter.monthSeconds(k) * managed.gpusPerReplica;
              return { gpu: gpuSeconds > 0 ? [{ pool: 'managed' as const, gpu: managed.gpu, gpuSeconds }] : [], apiTokens: undefined };
            }
            const pools = this.opts.pools;
            return { gpu: pools ? this.meter.monthMeters(pools, this.placement, k) : [], apiTokens: undefined };
          })
        : undefined;
    return {
      inFlight,
      usage: { gpu, busyGpuSeconds: busy * gpusPerReplica, apiTokensByClass: undefined, servedTokensByClass: [...this.servedTokensByClass], byMonth },
      figures: {
        replicas: this.autoscaler ? provisionedSeconds / width : this.replicas.length,
        utilization: replicaSeconds > 0 ? busy / replicaSeconds : NaN,
        capacityUtilization: this.capacityUtilization(provisionedSeconds),
        replicaUtilization,
        queueLength: this.dispatcher.queueLevel.average(),
        inSystem: NaN,
        meanBatch: busy > 0 ? batchArea / busy : NaN,
        kvOccupancy: replicaSeconds > 0 ? kvArea / (replicaSeconds * this.opts.kvBlocks) : NaN,
        preemptions: this.replicas.reduce((n, r) => n + r.preemptions, 0),
        recomputedTokens: this.replicas.reduce((n, r) => n + r.recomputedTokens, 0),
        spotPreemptions: this.spotPreemptions,
        replicaFailures: this.replicaFailures,
        coldStarts: this.coldStarts,
        scaling: this.autoscaler ? { scaleUps: this.scaleUps, scaleDowns: this.scaleDowns, stockouts: this.stockouts } : undefined,
        api: undefined,
      },
    };
  }
}
