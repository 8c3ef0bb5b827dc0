/**
 * A fleet of plain servers: each replica serves one request at a time, for a service time
 * drawn from a distribution, from one shared FIFO queue. This is the mode that makes the
 * engine checkable against queueing theory (M/M/c, M/D/1, M/M/1/K).
 *
 * The queue may have a capacity (an arrival that finds it full is rejected) and a timeout
 * (a request that waits longer abandons and fails). Because the timeout is the same for
 * every request and the queue is FIFO, deadlines increase from head to tail: expired
 * requests are always at the head and are removed lazily, exactly, whenever the queue is
 * next looked at — no timer event per request. The time-weighted queue length is
 * corrected for the time an expired request sat there after its deadline.
 *
 * Per-request state lives in the queue's typed columns and in per-server columns, so a
 * run allocates nothing per request.
 */
import type { Simulation } from '../engine/index.js';
import { InvariantError } from '../engine/index.js';
import type { RunRecorder } from '../metrics/index.js';
import { overlap, TimeWeightedLevel } from '../metrics/index.js';
import type { Rng, Sampler } from '../random/index.js';
import type { FleetEnd, FleetRuntime } from './fleet-runtime.js';

export interface ServerFleetOptions {
  readonly replicas: number;
  readonly service: Sampler;
  readonly serviceRng: Rng;
  /** Waiting room; undefined means unbounded. Zero makes a loss system. */
  readonly queueCapacity: number | undefined;
  /** Longest wait before abandoning; undefined means wait forever. */
  readonly queueTimeout: number | undefined;
  /** Measurement window for time-weighted figures. */
  readonly window: { readonly from: number; readonly to: number };
}

export class ServerFleet implements FleetRuntime {
  private readonly sim: Simulation;
  private readonly completeKind: number;
  private readonly opts: ServerFleetOptions;
  private readonly recorder: RunRecorder;

  // FIFO ring buffer of waiting requests.
  private qArrival = new Float64Array(1024);
  private qService = new Float64Array(1024);
  private qClass = new Int32Array(1024);
  private qHead = 0;
  private qLength = 0;

  // Per-server state; an idle server has NaN start.
  private readonly sArrival: Float64Array;
  private readonly sStart: Float64Array;
  private readonly sService: Float64Array;
  private readonly sClass: Int32Array;
  private readonly busyTime: Float64Array;
  private readonly idle: Int32Array;
  private idleCount: number;

  private readonly queueLevel: TimeWeightedLevel;
  private readonly busyLevel: TimeWeightedLevel;

  constructor(sim: Simulation, recorder: RunRecorder, opts: ServerFleetOptions) {
    this.sim = sim;
    this.recorder = recorder;
    this.opts = opts;
    const c = opts.replicas;
    this.sArrival = new Float64Array(c);
    this.sStart = new Float64Array(c).fill(NaN);
    this.sService = new Float64Array(c);
    this.sClass = new Int32Array(c);
    this.busyTime = new Float64Array(c);
    this.idle = new Int32Array(c);
    // Idle servers form a stack; server 0 is taken first.
    for (let i = 0; i < c; i++) this.idle[i] = c - 1 - i;
    this.idleCount = c;
    this.queueLevel = new TimeWeightedLevel(opts.window.from, opts.window.to);
    this.busyLevel = new TimeWeightedLevel(opts.window.from, opts.window.to);
    this.completeKind = sim.register((server, _gen, now) => this.complete(server, now));
  }

  /** A request arrives now; plain servers ignore its token lengths. */
  arrive(now: number, _input = 1, _output = 1, classId = 0): void {
    this.recorder.onArrival(now);
    const service = this.opts.service(this.opts.serviceRng);
    if (this.idleCount > 0) {
      this.start(this.idle[--this.idleCount]!, now, service, classId, now);
      return;
    }
    this.dropExpired(now);
    const capacity = this.opts.queueCapacity;
    if (capacity !== undefined && this.qLength >= capacity) {
      this.recorder.onFailure(now, 'rejected');
      return;
    }
    this.enqueue(now, service, classId);
    this.queueLevel.set(now, this.qLength);
  }

  private start(server: number, arrival: number, service: number, classId: number, now: number): void {
    this.sArrival[server] = arrival;
    this.sStart[server] = now;
    this.sService[server] = service;
    this.sClass[server] = classId;
    this.recorder.onStart(arrival, now);
    this.busyLevel.set(now, this.opts.replicas - this.idleCount);
    this.sim.schedule(now + service, this.completeKind, server);
  }

  private complete(server: number, now: number): void {
    const start = this.sStart[server]!;
    this.busyTime[server]! += overlap(start, now, this.opts.window.from, this.opts.window.to);
    this.recorder.onSuccess(this.sArrival[server]!, now, undefined, this.sClass[server]!);
    this.dropExpired(now);
    if (this.qLength > 0) {
      const head = this.qHead;
      const arrival = this.qArrival[head]!;
      const service = this.qService[head]!;
      const classId = this.qClass[head]!;
      this.qHead = (head + 1) & (this.qArrival.length - 1);
      this.qLength--;
      this.queueLevel.set(now, this.qLength);
      this.start(server, arrival, service, classId, now);
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
    const mask = this.qArrival.length - 1;
    while (this.qLength > 0) {
      const arrival = this.qArrival[this.qHead]!;
      const deadline = arrival + timeout;
      if (deadline > now) break;
      this.qHead = (this.qHead + 1) & mask;
      this.queueLevel.set(now, this.qLength - 1);
      this.queueLevel.retract(deadline, now, 1);
      this.qLength--;
      this.recorder.onFailure(arrival, 'timedOut');
    }
  }

  private enqueue(arrival: number, service: number, classId: number): void {
    if (this.qLength === this.qArrival.length) this.growQueue();
    const tail = (this.qHead + this.qLength) & (this.qArrival.length - 1);
    this.qArrival[tail] = arrival;
    this.qService[tail] = service;
    this.qClass[tail] = classId;
    this.qLength++;
  }

  private growQueue(): void {
    const n = this.qArrival.length;
    const arrival = new Float64Array(2 * n);
    const service = new Float64Array(2 * n);
    const classes = new Int32Array(2 * n);
    for (let i = 0; i < this.qLength; i++) {
      const j = (this.qHead + i) & (n - 1);
      arrival[i] = this.qArrival[j]!;
      service[i] = this.qService[j]!;
      classes[i] = this.qClass[j]!;
    }
    this.qArrival = arrival;
    this.qService = service;
    this.qClass = classes;
    this.qHead = 0;
  }

  /** Closes the run at the horizon: expires what is due, counts what is still in flight. */
  end(horizon: number): FleetEnd {
    this.dropExpired(horizon);
    const { from, to } = this.opts.window;
    let inFlight = 0;
    const mask = this.qArrival.length - 1;
    for (let i = 0; i < this.qLength; i++) {
      if (this.recorder.counts(this.qArrival[(this.qHead + i) & mask]!)) inFlight++;
    }
    const c = this.opts.replicas;
    for (let s = 0; s < c; s++) {
      const start = this.sStart[s]!;
      if (Number.isNaN(start)) continue;
      this.busyTime[s]! += overlap(start, horizon, from, to);
      if (this.recorder.counts(this.sArrival[s]!)) inFlight++;
    }
    const width = to - from;
    if (!(width > 0)) throw new InvariantError('measurement window is empty', horizon);
    const replicaUtilization = Array.from(this.busyTime, (b) => b / width);
    const queueLength = this.queueLevel.average();
    const busy = this.busyLevel.average();
    // Plain servers model no hardware, so they bill nothing.
    return {
      inFlight,
      replicaUtilization,
      utilization: busy / c,
      queueLength,
      inSystem: queueLength + busy,
      charges: [],
      billedGpuSeconds: 0,
      busyGpuSeconds: 0,
    };
  }
}
