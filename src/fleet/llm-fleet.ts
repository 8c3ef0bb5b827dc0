/**
 * A fleet of LLM replicas (serving/replica.ts) behind a least-loaded dispatcher: each
 * arrival goes to the replica with the fewest requests queued or running (ties to the
 * lowest index), as a load balancer with least-outstanding-requests routing does. Each
 * replica keeps its own queue; `queue.capacity` bounds the requests waiting across the
 * fleet and `queue.timeout` fails requests never admitted within it.
 */
import type { Simulation } from '../engine/index.js';
import type { RunRecorder } from '../metrics/index.js';
import { TimeWeightedLevel } from '../metrics/index.js';
import { LlmReplica, RequestTable, type ReqId, type ReplicaSink, type SchedulerLimits, type StepTimeModel } from '../serving/index.js';
import type { FleetEnd, FleetRuntime } from './fleet-runtime.js';

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
}

export class LlmFleet implements FleetRuntime, ReplicaSink {
  private readonly table = new RequestTable();
  private readonly replicas: LlmReplica[];
  private readonly queueLevel: TimeWeightedLevel;
  private queued = 0;

  constructor(
    sim: Simulation,
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
  }

  arrive(now: number, inputTokens: number, outputTokens: number): void {
    this.recorder.onArrival(now);
    if (inputTokens + outputTokens > this.opts.maxRequestTokens) {
      this.recorder.onFailure(now, 'rejected');
      return;
    }
    if (this.opts.queueCapacity !== undefined && this.queued >= this.opts.queueCapacity) {
      this.recorder.onFailure(now, 'rejected');
      return;
    }
    let best = this.replicas[0]!;
    for (let i = 1; i < this.replicas.length; i++) {
      const r = this.replicas[i]!;
      if (r.outstanding < best.outstanding) best = r;
    }
    best.enqueue(this.table.add(now, inputTokens, outputTokens), now);
  }

  onAdmit(id: ReqId, now: number): void {
    this.recorder.onStart(this.table.arrival[id]!, now);
  }

  onFirstToken(id: ReqId, now: number): void {
    this.recorder.onFirstToken(this.table.arrival[id]!, now);
  }

  onFinish(id: ReqId, now: number): void {
    const t = this.table;
    this.recorder.onSuccess(t.arrival[id]!, now);
    this.recorder.onTokens(t.arrival[id]!, t.firstToken[id]!, now, t.output[id]!);
    t.release(id);
  }

  onTimeout(id: ReqId, deadline: number, now: number): void {
    this.queueLevel.retract(deadline, now, 1);
    this.recorder.onFailure(this.table.arrival[id]!, 'timedOut');
    this.table.release(id);
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
    return {
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
