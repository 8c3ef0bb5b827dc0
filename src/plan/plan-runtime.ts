/**
 * A plan in a run: its backends, the one table of requests in flight, its router, and the
 * one place where outcomes are recorded.
 *
 * Each arrival is counted once, here. Without routing rules, the runtime asks the plan's
 * backends in order whether they would take the request (`LoadView.refusal`) and submits
 * it to the first that does; when every backend refuses, the request fails with the first
 * backend's reason. With rules (router.ts), a classifier may first label the request (after
 * its latency), then the first matching rule sends it to its backend, or on to the rule's
 * overflow backend when that one would wait too long, or to its fallback when the target
 * refuses, is down, or fails the request. A sensitive class never reaches an API or a
 * managed endpoint, whatever the rules say.
 *
 * Backends report outcomes through a sink that knows which backend is speaking: the
 * runtime checks that the backend holds the request, records the outcome once (or sends
 * the request on: a fallback, an escalation), and releases the request after its one
 * terminal outcome. A second outcome for a request, or an outcome from a backend that does
 * not hold it, is a bug and stops the run.
 *
 * At the end the runtime checks conservation for the plan and for each backend: every
 * counted request given to a backend completed there, failed there, or is still held.
 */
import { RequestTable, type Backend, type BackendReport, type BackendSample, type OutcomeSink, type ReqId } from '../backend/index.js';
import { InvariantError, withRoomFor, type Simulation } from '../engine/index.js';
import { DownsampledSeries, type FailureReason, type RunRecorder, type SerializedSeries } from '../metrics/index.js';
import { openStream, type Rng } from '../random/index.js';
import type { Plan } from '../scenario/index.js';
import type { ResolvedClass } from '../workload/index.js';
import { buildBackend } from './build-backend.js';
import { NO_LABEL, Router, type CompiledRule } from './router.js';

export interface PlanRuntimeOptions {
  readonly sim: Simulation;
  readonly recorder: RunRecorder;
  readonly plan: Plan;
  readonly seed: number;
  readonly window: { readonly from: number; readonly to: number };
  readonly classes: readonly ResolvedClass[];
  /** Per backend of the plan: an API model's context window, when known. */
  readonly contextWindows: readonly (number | undefined)[];
  /**
   * Time series: a sample every `interval` seconds of the window, at most `maxPoints` kept,
   * with the spend rate worked out by `costPerHour` (prices are cost/'s business) from each
   * backend's sample now and at the previous tick.
   */
  readonly sampling?: {
    readonly interval: number;
    readonly maxPoints: number;
    readonly costPerHour: (now: readonly BackendSample[], before: readonly BackendSample[] | undefined, interval: number) => number;
  } | undefined;
}

/** The fields of a plan's time series, in order. */
export const SERIES_FIELDS = ['arrivalsPerSecond', 'replicas', 'provisioning', 'queue', 'busyFraction', 'kvOccupancy', 'costPerHour'] as const;

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

/** What the router did with counted requests. */
export interface RoutingTally {
  /** Requests each rule matched. */
  readonly byRule: number[];
  /** Requests sent on to a rule's overflow backend. */
  overflows: number;
  /** Requests sent to a rule's fallback backend (refused, down, or failed at the target). */
  fallbacks: number;
  /** Misrouted requests sent on to the backend their true label routes to. */
  escalations: number;
  /** Requests answered by a backend meant for a simpler label. */
  misroutes: number;
  /** Classifier calls, and the prompt tokens they read, per class. */
  readonly classifierCallsByClass: number[];
  readonly classifierPromptTokensByClass: number[];
}

export interface PlanEnd {
  readonly backends: readonly BackendEnd[];
  /** Counted requests still held by some backend (or waiting on the classifier) at the horizon. */
  readonly inFlight: number;
  readonly routing: RoutingTally | undefined;
  /** submittedByClass[class][backend]: counted requests given to each backend, per class. */
  readonly submittedByClass: readonly (readonly number[])[];
  readonly timeSeries: SerializedSeries | undefined;
}

const NOBODY = -1;
/** Waiting for the classifier. */
const ROUTER = -2;
const FELL_BACK = 1;
const ESCALATED = 2;

export class PlanRuntime {
  readonly table = new RequestTable();
  readonly backends: readonly Backend[];
  private readonly tallies: BackendTally[];
  /** Which backend holds each request in flight (NOBODY between backends, ROUTER while classified). */
  private holder = new Int32Array(256);
  /** Per request: the rule that routed it, its predicted label, and what happened on the way (FELL_BACK, ESCALATED). */
  private ruleOf = new Int32Array(256);
  private predicted = new Int32Array(256);
  private flags = new Int32Array(256);
  private readonly recorder: RunRecorder;
  private readonly from: number;
  private readonly router: Router | undefined;
  private readonly routing: RoutingTally | undefined;
  private readonly classifierRng: Rng;
  private readonly routeKind: number;
  private heldByRouter = 0;
  private arrivalsSinceSample = 0;
  private readonly series: DownsampledSeries | undefined;
  private lastSamples: BackendSample[] | undefined;
  private readonly submittedByClass: number[][];
  /** Backends a sensitive request may reach: the plan's own fleets. */
  private readonly selfHosted: readonly boolean[];

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
    this.selfHosted = opts.plan.backends.map((b) => b.kind === 'fleet');
    this.submittedByClass = opts.classes.map(() => this.backends.map(() => 0));
    this.router = opts.plan.routing ? new Router(opts.plan, opts.classes) : undefined;
    this.routing = this.router
      ? { byRule: this.router.rules.map(() => 0), overflows: 0, fallbacks: 0, escalations: 0, misroutes: 0, classifierCallsByClass: opts.classes.map(() => 0), classifierPromptTokensByClass: opts.classes.map(() => 0) }
      : undefined;
    // Keyed without the plan: plans with the same classifier make the same mistakes on the same requests.
    this.classifierRng = openStream(opts.seed, 'routing', 'classifier');
    const sampling = opts.sampling;
    this.series = sampling ? new DownsampledSeries(SERIES_FIELDS, sampling.interval, sampling.maxPoints) : undefined;
    // Samples cover the measurement window: the first one at its start plus one interval.
    if (sampling) opts.sim.every(sampling.interval, opts.window.from + sampling.interval, (_k, now) => this.takeSample(now));
    this.routeKind = opts.sim.register((id, _gen, now) => {
      this.heldByRouter -= this.counts(id) ? 1 : 0;
      this.route(id, now);
    });
  }

  private counts(id: ReqId): boolean {
    return this.table.arrival[id]! >= this.from;
  }

  private takeSample(now: number): void {
    const sampling = this.opts.sampling!;
    const samples = this.backends.map((b) => b.sample());
    let serving = 0;
    let provisioning = 0;
    let waiting = 0;
    let busy = 0;
    let kv = 0;
    let kvServing = 0;
    for (const s of samples) {
      serving += s.serving;
      provisioning += s.provisioning;
      waiting += s.waiting;
      busy += s.busy;
      if (Number.isFinite(s.kvOccupancy)) {
        kv += s.kvOccupancy * s.serving;
        kvServing += s.serving;
      }
    }
    const costPerHour = sampling.costPerHour(samples, this.lastSamples, sampling.interval);
    this.series!.push(now, [this.arrivalsSinceSample / sampling.interval, serving, provisioning, waiting, serving > 0 ? busy / serving : NaN, kvServing > 0 ? kv / kvServing : NaN, costPerHour]);
    this.arrivalsSinceSample = 0;
    this.lastSamples = samples;
  }

  /** A request arrives now. */
  arrive(now: number, inputTokens: number, outputTokens: number, classId: number): void {
    this.recorder.onArrival(now, classId);
    this.arrivalsSinceSample++;
    const id = this.table.add(now, inputTokens, outputTokens, classId);
    this.holder = withRoomFor(this.holder, id);
    const router = this.router;
    if (!router) {
      this.firstThatAccepts(id, now);
      return;
    }
    this.ruleOf = withRoomFor(this.ruleOf, id);
    this.predicted = withRoomFor(this.predicted, id);
    this.flags = withRoomFor(this.flags, id);
    this.flags[id] = 0;
    this.predicted[id] = router.classify(classId, this.classifierRng);
    const classifier = router.classifier;
    if (classifier && now >= this.from) {
      this.routing!.classifierCallsByClass[classId]!++;
      this.routing!.classifierPromptTokensByClass[classId]! += inputTokens;
    }
    if (classifier && classifier.latency > 0) {
      this.holder[id] = ROUTER;
      if (now >= this.from) this.heldByRouter++;
      this.opts.sim.schedule(now + classifier.latency, this.routeKind, id);
    } else this.route(id, now);
  }

  private firstThatAccepts(id: ReqId, now: number): void {
    const t = this.table;
    let firstRefusal: FailureReason | undefined;
    for (let b = 0; b < this.backends.length; b++) {
      const refusal = this.backends[b]!.refusal(t.prompt[id]!, t.output[id]!);
      if (refusal === undefined) {
        this.submit(id, b, now);
        return;
      }
      firstRefusal ??= refusal;
    }
    this.fail(id, firstRefusal!);
  }

  private submit(id: ReqId, b: number, now: number): void {
    this.holder[id] = b;
    const t = this.table;
    // Batch-priority work waits on an own fleet at low priority, until its class's deadline.
    const rule = this.router?.rules[this.ruleOf[id]!];
    const batch = rule !== undefined && rule.batch && this.selfHosted[b]!;
    t.lowPriority[id] = batch ? 1 : 0;
    t.deadline[id] = batch ? t.arrival[id]! + (this.opts.classes[t.classId[id]!]?.deadline ?? Infinity) : Infinity;
    if (this.counts(id)) {
      this.tallies[b]!.submitted++;
      this.submittedByClass[this.table.classId[id]!]![b]!++;
    }
    this.backends[b]!.submit(id, now);
  }

  /** A failure the plan records (not at a backend, or with nowhere else to go). The recorder counts it by the request's arrival. */
  private fail(id: ReqId, reason: FailureReason): void {
    const t = this.table;
    this.holder[id] = NOBODY;
    this.recorder.onFailure(t.arrival[id]!, reason, t.classId[id]!);
    t.release(id);
  }

  private ttftSlo(id: ReqId): number | undefined {
    return this.opts.classes[this.table.classId[id]!]?.slo.ttft;
  }

  private sensitive(id: ReqId): boolean {
    return this.opts.classes[this.table.classId[id]!]?.sensitive ?? false;
  }

  /** Whether request `id` may be sent to backend b: a sensitive request only to the plan's own fleets. */
  private allowed(id: ReqId, b: number): boolean {
    return this.selfHosted[b]! || !this.sensitive(id);
  }

  /** The rule for a request, and where it sends it first (overflow included). */
  private route(id: ReqId, now: number): void {
    const router = this.router!;
    const t = this.table;
    const rule = router.ruleFor(t.classId[id]!, this.predicted[id]!);
    this.ruleOf[id] = rule.index;
    const counted = this.counts(id);
    if (counted) this.routing!.byRule[rule.index]!++;
    let target = rule.to;
    if (!this.allowed(id, target)) target = this.selfHosted.indexOf(true);
    const o = rule.overflow;
    if (o && this.allowed(id, o.to) && o.to !== target) {
      const b = this.backends[target]!;
      const maxWait = o.maxWait ?? this.ttftSlo(id);
      if ((maxWait !== undefined && b.predictedWait(now) > maxWait) || (o.maxQueue !== undefined && b.outstanding > o.maxQueue)) {
        target = o.to;
        if (counted) this.routing!.overflows++;
      }
    }
    this.submitOrFallBack(id, now, target, rule);
  }

  /** Submits to `target`, or to the rule's fallback when the target refuses or is down. */
  private submitOrFallBack(id: ReqId, now: number, target: number, rule: CompiledRule): void {
    const t = this.table;
    const patience = this.ttftSlo(id) ?? Infinity;
    const b = this.backends[target]!;
    let refusal = b.refusal(t.prompt[id]!, t.output[id]!);
    const down = !b.available(now, patience);
    if ((refusal !== undefined || down) && this.canFallBack(id, target, rule)) {
      this.flags[id]! |= FELL_BACK;
      if (this.counts(id)) this.routing!.fallbacks++;
      target = rule.fallback!;
      refusal = this.backends[target]!.refusal(t.prompt[id]!, t.output[id]!);
    }
    if (refusal !== undefined) this.fail(id, refusal);
    // A sensitive request does not wait for own capacity that is not there.
    else if (this.sensitive(id) && !this.backends[target]!.available(now, Infinity)) this.fail(id, 'unavailable');
    else this.submit(id, target, now);
  }

  private canFallBack(id: ReqId, from: number, rule: CompiledRule): boolean {
    const f = rule.fallback;
    return f !== undefined && f !== from && (this.flags[id]! & FELL_BACK) === 0 && this.allowed(id, f);
  }

  /** Misrouted: labelled simpler than it is, and answered by the backend meant for that simpler label. */
  private misrouted(id: ReqId, b: number): boolean {
    const router = this.router;
    if (!router?.classifier || (this.flags[id]! & ESCALATED) !== 0) return false;
    const classId = this.table.classId[id]!;
    const truth = router.trueLabel[classId]!;
    const predicted = this.predicted[id]!;
    if (truth === NO_LABEL || predicted === NO_LABEL || predicted >= truth) return false;
    const meant = router.ruleFor(classId, truth).to;
    return b === router.ruleFor(classId, predicted).to && b !== meant;
  }

  private sinkFor(b: number): OutcomeSink {
    const t = this.table;
    const r = this.recorder;
    // The message is built in a function of its own: the check runs twice a request, and kept small it is inlined.
    const notHeld = (id: ReqId, what: string, now: number) =>
      new InvariantError(`backend ${this.opts.plan.backends[b]!.name} of plan ${this.opts.plan.name} reported ${what} for request ${id}, which it does not hold`, now);
    const check = (id: ReqId, what: string, now: number) => {
      if (!t.isLive(id) || this.holder[id] !== b) throw notHeld(id, what, now);
    };
    return {
      started: (id, now) => {
        check(id, 'a start', now);
        r.onStart(t.arrival[id]!, now);
      },
      firstToken: (id, at) => {
        check(id, 'a first token', at);
        t.firstToken[id] = at;
        // With routing a request may be answered twice (escalated, or fallen back after a
        // partial answer): its time to first token is the answer it completes with.
        if (!this.router) r.onFirstToken(t.arrival[id]!, at, t.classId[id]!);
      },
      completed: (id, now, outputTokens) => {
        check(id, 'a completion', now);
        const counted = this.counts(id);
        if (counted) this.tallies[b]!.completed++;
        if (this.misrouted(id, b)) {
          if (counted) this.routing!.misroutes++;
          if (this.router!.classifier!.onMisroute === 'fail') {
            this.fail(id, 'misrouted');
            return;
          }
          // Escalate: the answer did not do; ask the backend the request's true label routes to.
          this.flags[id]! |= ESCALATED;
          if (counted) this.routing!.escalations++;
          const rule = this.router!.ruleFor(t.classId[id]!, this.router!.trueLabel[t.classId[id]!]!);
          this.holder[id] = NOBODY;
          t.firstToken[id] = NaN;
          this.submitOrFallBack(id, now, rule.to, rule);
          return;
        }
        const first = t.firstToken[id]!;
        if (this.router && !Number.isNaN(first)) r.onFirstToken(t.arrival[id]!, first, t.classId[id]!);
        r.onCompletion(t.arrival[id]!, now, Number.isNaN(first) ? undefined : first, t.classId[id]!, outputTokens);
        this.holder[id] = NOBODY;
        t.release(id);
      },
      failed: (id, at, reason) => {
        check(id, `a failure (${reason})`, at);
        if (this.counts(id)) this.tallies[b]!.failed++;
        const rule = this.router ? this.router.rules[this.ruleOf[id]!] : undefined;
        if (rule && this.canFallBack(id, b, rule)) {
          // Time spent here counts toward the latency; work billed here stays billed.
          this.flags[id]! |= FELL_BACK;
          if (this.counts(id)) this.routing!.fallbacks++;
          this.holder[id] = NOBODY;
          const f = rule.fallback!;
          const refusal = this.backends[f]!.refusal(t.prompt[id]!, t.output[id]!);
          if (refusal !== undefined) this.fail(id, refusal);
          else this.submit(id, f, this.opts.sim.now);
          return;
        }
        this.fail(id, reason);
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
    const inFlight = backends.reduce((n, b) => n + b.report.inFlight, 0) + this.heldByRouter;
    const r = this.recorder;
    const failed = r.failedTotal();
    if (r.arrived !== r.succeeded + r.late + failed + inFlight) {
      throw new InvariantError(
        `requests not conserved in plan ${plan.name}: arrived ${r.arrived} != succeeded ${r.succeeded} + late ${r.late} + failed ${failed} + in flight ${inFlight}`,
        horizon,
      );
    }
    return { backends, inFlight, routing: this.routing, submittedByClass: this.submittedByClass, timeSeries: this.series?.toJSON() };
  }
}
