/**
 * A fleet of plain servers: each replica serves one request at a time, for a service time
 * drawn from a distribution, from one shared FIFO queue. This is the mode that makes the
 * engine checkable against queueing theory (M/M/c, M/D/1, M/M/1/K).
 *
 * The queue may have a capacity (an arrival that finds it full is refused: `queueFull`)
 * and a timeout (a request that waits longer abandons and fails). Because the timeout is
 * the same for every request and the queue is FIFO, deadlines increase from head to tail:
 * expired requests are always at the head and are removed lazily, exactly, whenever the
 * queue is next looked at — no timer event per request. The time-weighted queue length is
 * corrected for the time an expired request sat there after its deadline.
 *
 * Per-request state lives in the queue's typed columns and in per-server columns, so a
 * run allocates nothing per request.
 */
import { NO_GPUS, type Backend, type BackendContext, type BackendReport, type BackendSample, type Refusal, type ReqId } from '../backend/index.js';
import { InvariantError } from '../engine/index.js';
import { overlap, TimeWeightedLevel } from '../metrics/index.js';
import type { Rng, Sampler } from '../random/index.js';

export interface ServerFleetOptions {
  readonly name: string;
  readonly replicas: number;
  readonly service: Sampler;
  /** Mean of `service` (for the predicted wait a router reads). */
  readonly meanService: number;
  readonly serviceRng: Rng;
  /** Waiting room; undefined means unbounded. Zero makes a loss system. */
  readonly queueCapacity: number | undefined;
  /** Longest wait before abandoning; undefined means wait forever. */
  readonly queueTimeout: number | undefined;
}

export class ServerFleet implements Backend {
  readonly name: string;
  private readonly completeKind: number;
  private readonly opts: ServerFleetOptions;
  private readonly ctx: BackendContext;

  // FIFO ring buffer of waiting requests: their ids and drawn service times.
  private qId = new Int32Array(1024);
  private qService = new Float64Array(1024);
  private qHead = 0;
  private qLength = 0;

  // Per-server state; an idle server has NaN start.
  private readonly sId: Int32Array;
  private readonly sStart: Float64Array;
  private readonly busyTime: Float64Array;
  private readonly idle: Int32Array;
  private idleCount: number;

  private readonly queueLevel: TimeWeightedLevel;
  private readonly busyLevel: TimeWeightedLevel;

  constructor(ctx: BackendContext, opts: ServerFleetOptions) {
    this.ctx = ctx;
    this.opts = opts;
    this.name = opts.name;
    const c = opts.replicas;
    this.sId = new Int32Array(c);
    this.sStart = new Float64Array(c).fill(NaN);
    this.busyTime = new Float64Array(c);
    this.idle = new Int32Array(c);
    // Idle servers form a stack; server 0 is taken first.
    for (let i = 0; i < c; i++) this.idle[i] = c - 1 - i;
    this.idleCount = c;
    this.queueLevel = new TimeWeightedLevel(ctx.window.from, ctx.window.to);
    this.busyLevel = new TimeWeightedLevel(ctx.window.from, ctx.window.to);
    this.completeKind = ctx.sim.register((server, _gen, now) => this.complete(server, now));
  }

  get outstanding(): number {
    return this.qLength + this.opts.replicas - this.idleCount;
  }

  /** Plain servers take any length; only a full waiting room refuses. */
  refusal(): Refusal | undefined {
    if (this.idleCount > 0) return undefined;
    this.dropExpired(this.ctx.sim.now);
    const capacity = this.opts.queueCapacity;
    return capacity !== undefined && this.qLength >= capacity ? 'queueFull' : undefined;
  }

  /** With every server busy, the requests ahead leave at the fleet's service rate. */
  predictedWait(): number {
    if (this.idleCount > 0) return 0;
    return ((this.qLength + 1) * this.opts.meanService) / this.opts.replicas;
  }

  sample(): BackendSample {
    const busy = this.opts.replicas - this.idleCount;
    return { serving: this.opts.replicas, provisioning: 0, billedGpus: NO_GPUS, waiting: this.qLength, running: busy, busy, kvOccupancy: NaN, tokens: undefined };
  }

  /** Plain servers are always up. */
  available(): boolean {
    return true;
  }

  submit(id: ReqId, now: number): void {
    const service = this.opts.service(this.opts.serviceRng);
    if (this.idleCount > 0) {
      this.start(this.idle[--this.idleCount]!, id, service, now);
      return;
    }
    this.enqueue(id, service);
    this.queueLevel.set(now, this.qLength);
  }

  private start(server: number, id: ReqId, service: number, now: number): void {
    this.sId[server] = id;
    this.sStart[server] = now;
    this.ctx.sink.started(id, now);
    this.busyLevel.set(now, this.opts.replicas - this.idleCount);
    this.ctx.sim.schedule(now + service, this.completeKind, server);
  }

  private complete(server: number, now: number): void {
    const start = this.sStart[server]!;
    this.busyTime[server]! += overlap(start, now, this.ctx.window.from, this.ctx.window.to);
    this.ctx.sink.completed(this.sId[server]!, now, 0);
    this.dropExpired(now);
    if (this.qLength > 0) {
      const head = this.qHead;
      const id = this.qId[head]!;
      const service = this.qService[head]!;
      this.qHead = (head + 1) & (this.qId.length - 1);
      this.qLength--;
      this.queueLevel.set(now, this.qLength);
      this.start(server, id, service, now);
    } else {
      this.sStart[server] = NaN;
      this.idle[this.idleCount++] = server;
      this.busyLevel.set(now, this.opts.replicas - this.idleCount);
    }
  }

  /** Removes requests whose wait exceeded the timeout; they failed at their deadline. */
  private dropExpired(now: number): void {
    const timeout = this.opts.queueTimeout;
    if (timeout === undefined) return;
    const mask = this.qId.length - 1;
    while (this.qLength > 0) {
      const id = this.qId[this.qHead]!;
      const deadline = this.ctx.table.arrival[id]! + timeout;
      if (deadline > now) break;
      this.qHead = (this.qHead + 1) & mask;
      this.queueLevel.set(now, this.qLength - 1);
      this.queueLevel.retract(deadline, now, 1);
      this.qLength--;
      this.ctx.sink.failed(id, deadline, 'timedOut');
    }
  }

  private enqueue(id: ReqId, service: number): void {
    if (this.qLength === this.qId.length) this.growQueue();
    const tail = (this.qHead + this.qLength) & (this.qId.length - 1);
    this.qId[tail] = id;
    this.qService[tail] = service;
    this.qLength++;
  }

  private growQueue(): void {
    const n = this.qId.length;
    const ids = new Int32Array(2 * n);
    const service = new Float64Array(2 * n);
    for (let i = 0; i < this.qLength; i++) {
      const j = (this.qHead + i) & (n - 1);
      ids[i] = this.qId[j]!;
      service[i] = this.qService[j]!;
    }
    this.qId = ids;
    this.qService = service;
    this.qHead = 0;
  }

  /** Closes the run at the horizon: expires what is due, counts what is still in flight. */
  end(horizon: number): BackendReport {
    this.dropExpired(horizon);
    const { from, to } = this.ctx.window;
    const counts = (id: ReqId) => this.ctx.table.arrival[id]! >= from;
    let inFlight = 0;
    const mask = this.qId.length - 1;
    for (let i = 0; i < this.qLength; i++) if (counts(this.qId[(this.qHead + i) & mask]!)) inFlight++;
    const c = this.opts.replicas;
    for (let s = 0; s < c; s++) {
      const start = this.sStart[s]!;
      if (Number.isNaN(start)) continue;
      this.busyTime[s]! += overlap(start, horizon, from, to);
      if (counts(this.sId[s]!)) inFlight++;
    }
    const width = to - from;
    if (!(width > 0)) throw new InvariantError('measurement window is empty', horizon);
    const queueLength = this.queueLevel.average();
    const busy = this.busyLevel.average();
    // Plain servers model no hardware and no tokens: they use nothing billable.
    return {
      inFlight,
      usage: { gpu: [], busyGpuSeconds: 0, apiTokensByClass: undefined, servedTokensByClass: [] },
      figures: {
        replicas: c,
        utilization: busy / c,
        // A plain server's capacity is one request at a time: busy time is the capacity used.
        capacityUtilization: busy / c,
        replicaUtilization: Array.from(this.busyTime, (b) => b / width),
        queueLength,
        inSystem: queueLength + busy,
        meanBatch: NaN,
        kvOccupancy: NaN,
        preemptions: 0,
        recomputedTokens: 0,
        spotPreemptions: 0,
        replicaFailures: 0,
        coldStarts: 0,
        api: undefined,
      },
    };
  }
}
