/**
 * A plan in a run: its backends, the one table of requests in flight, and the one place
 * where outcomes are recorded.
 *
 * Each arrival is counted once, here. The runtime asks the plan's backends in order
 * whether they would take the request (`LoadView.refusal`) and submits it to the first
 * that does; when every backend refuses, the request fails with the first backend's
 * reason. (Routing rules will replace this first-that-accepts order.) Backends report
 * outcomes through a sink that knows which backend is speaking: the runtime checks that
 * the backend holds the request, records the outcome once, and releases the request after
 * its one terminal outcome. A second outcome for a request, or an outcome from a backend
 * that does not hold it, is a bug and stops the run.
 *
 * At the end the runtime checks conservation for the plan and for each backend: every
 * counted request given to a backend completed there, failed there, or is still held.
 */
import { RequestTable, type Backend, type BackendReport, type OutcomeSink, type ReqId } from '../backend/index.js';
import { InvariantError, withRoomFor, type Simulation } from '../engine/index.js';
import type { FailureReason, RunRecorder } from '../metrics/index.js';
import type { Plan } from '../scenario/index.js';
import type { ResolvedClass } from '../workload/index.js';
import { buildBackend } from './build-backend.js';

export interface PlanRuntimeOptions {
  readonly sim: Simulation;
  readonly recorder: RunRecorder;
  readonly plan: Plan;
  readonly seed: number;
  readonly window: { readonly from: number; readonly to: number };
  readonly classes: readonly ResolvedClass[];
  /** Per backend of the plan: an API model's context window, when known. */
  readonly contextWindows: readonly (number | undefined)[];
}

/** Counted requests a backend was given, and how they ended there. */
export interface BackendTally {
  submitted: number;
  completed: number;
  failed: number;
}

export interface BackendEnd {
  readonly name: string;
  readonly kind: Plan['backends'][number]['kind'];
  readonly tally: BackendTally;
  readonly report: BackendReport;
}

export interface PlanEnd {
  readonly backends: readonly BackendEnd[];
  /** Counted requests still held by some backend at the horizon. */
  readonly inFlight: number;
}

const NOBODY = -1;

export class PlanRuntime {
  readonly table = new RequestTable();
  readonly backends: readonly Backend[];
  private readonly tallies: BackendTally[];
  /** Which backend holds each request in flight (NOBODY between backends). */
  private holder = new Int32Array(256);
  private readonly recorder: RunRecorder;
  private readonly from: number;

  constructor(private readonly opts: PlanRuntimeOptions) {
    this.recorder = opts.recorder;
    this.from = opts.window.from;
    this.backends = opts.plan.backends.map((spec, b) =>
      buildBackend({ sim: opts.sim, table: this.table, sink: this.sinkFor(b), window: opts.window }, spec, {
        seed: opts.seed,
        classes: opts.classes,
        contextWindow: opts.contextWindows[b],
      }),
    );
    this.tallies = this.backends.map(() => ({ submitted: 0, completed: 0, failed: 0 }));
  }

  /** A request arrives now. */
  arrive(now: number, inputTokens: number, outputTokens: number, classId: number): void {
    this.recorder.onArrival(now, classId);
    const id = this.table.add(now, inputTokens, outputTokens, classId);
    this.holder = withRoomFor(this.holder, id);
    let firstRefusal: FailureReason | undefined;
    for (let b = 0; b < this.backends.length; b++) {
      const backend = this.backends[b]!;
      const refusal = backend.refusal(inputTokens, outputTokens);
      if (refusal === undefined) {
        this.holder[id] = b;
        if (now >= this.from) this.tallies[b]!.submitted++;
        backend.submit(id, now);
        return;
      }
      firstRefusal ??= refusal;
    }
    this.holder[id] = NOBODY;
    this.recorder.onFailure(now, firstRefusal!, classId);
    this.table.release(id);
  }

  private sinkFor(b: number): OutcomeSink {
    const t = this.table;
    const r = this.recorder;
    const check = (id: ReqId, what: string, now: number) => {
      if (!t.isLive(id) || this.holder[id] !== b) {
        throw new InvariantError(`backend ${this.opts.plan.backends[b]!.name} of plan ${this.opts.plan.name} reported ${what} for request ${id}, which it does not hold`, now);
      }
    };
    return {
      started: (id, now) => {
        check(id, 'a start', now);
        r.onStart(t.arrival[id]!, now);
      },
      firstToken: (id, at) => {
        check(id, 'a first token', at);
        t.firstToken[id] = at;
        r.onFirstToken(t.arrival[id]!, at, t.classId[id]!);
      },
      completed: (id, now, outputTokens) => {
        check(id, 'a completion', now);
        const first = t.firstToken[id]!;
        r.onCompletion(t.arrival[id]!, now, Number.isNaN(first) ? undefined : first, t.classId[id]!, outputTokens);
        if (t.arrival[id]! >= this.from) this.tallies[b]!.completed++;
        t.release(id);
      },
      failed: (id, at, reason) => {
        check(id, `a failure (${reason})`, at);
        r.onFailure(t.arrival[id]!, reason, t.classId[id]!);
        if (t.arrival[id]! >= this.from) this.tallies[b]!.failed++;
        t.release(id);
      },
    };
  }

  /** Closes every backend at the horizon and checks that every counted request is accounted for. */
  end(horizon: number): PlanEnd {
    const plan = this.opts.plan;
    const backends = this.backends.map((backend, b): BackendEnd => {
      const report = backend.end(horizon);
      const tally = this.tallies[b]!;
      if (tally.submitted !== tally.completed + tally.failed + report.inFlight) {
        throw new InvariantError(
          `requests not conserved at backend ${backend.name} of plan ${plan.name}: given ${tally.submitted} != completed ${tally.completed} + failed ${tally.failed} + in flight ${report.inFlight}`,
          horizon,
        );
      }
      return { name: backend.name, kind: plan.backends[b]!.kind, tally: { ...tally }, report };
    });
    const inFlight = backends.reduce((n, b) => n + b.report.inFlight, 0);
    const r = this.recorder;
    const failed = r.failedTotal();
    if (r.arrived !== r.succeeded + r.late + failed + inFlight) {
      throw new InvariantError(
        `requests not conserved in plan ${plan.name}: arrived ${r.arrived} != succeeded ${r.succeeded} + late ${r.late} + failed ${failed} + in flight ${inFlight}`,
        horizon,
      );
    }
    return { backends, inFlight };
  }
}
