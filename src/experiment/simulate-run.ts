/**
 * One Monte Carlo run of one plan: build the clock, the workload and the plan runtime, run
 * to the horizon, price the backends' usage, and return plain data (so it can cross a
 * worker boundary).
 *
 * Every plan of a run sees the same arrivals and the same per-request draws, because the
 * streams are keyed by (run seed, purpose), not by plan: common random numbers make
 * differences between plans sharper than independent runs would.
 */
import type { ApiCounters, BackendFigures } from '../backend/index.js';
import { billRun, classCosts, commitmentOwed, resolveCosts, spendPerHour, totalFromMeters, type Bill, type BillInput, type CostBook } from '../cost/index.js';
import { InvariantError, Simulation } from '../engine/index.js';
import { monthsOf, monthSeconds, RunRecorder, type FailureCounts, type Months, type SerializedHistogram, type SerializedSeries } from '../metrics/index.js';
import { PlanRuntime, type BackendEnd } from '../plan/index.js';
import type { DrawnRun, Plan, Scenario } from '../scenario/index.js';
import { makeRequestSource, workloadClasses, type ArrivalRecord } from '../workload/index.js';

/** How the requests of one class ended in a run. */
export interface ClassRunResult {
  readonly name: string;
  readonly arrived: number;
  readonly succeeded: number;
  readonly late: number;
  readonly failed: number;
  readonly failedBy: FailureCounts;
  readonly latency: { readonly e2e: SerializedHistogram; readonly ttft: SerializedHistogram };
  /** This class's part of the run's bill (USD over the window). */
  readonly costUsd: number;
  /** Counted requests of this class given to each backend (fallbacks and escalations included). */
  readonly byBackend: Readonly<Record<string, number>>;
}

/** What a plan's router did in a run (plans with routing rules). */
export interface RoutingRunResult {
  /** Counted requests given to each backend (fallbacks and escalations included). */
  readonly byBackend: Readonly<Record<string, number>>;
  /** Requests each rule matched, in rule order. */
  readonly byRule: readonly number[];
  readonly overflows: number;
  readonly fallbacks: number;
  readonly escalations: number;
  readonly misroutes: number;
  readonly classifierCalls: number;
}

/** One billing month of a run. */
export interface MonthRunResult {
  /** 1, 2, …; the last month may be shorter than 730 hours. */
  readonly month: number;
  readonly hours: number;
  readonly arrived: number;
  readonly succeeded: number;
  readonly cost: Bill;
}

/** What one backend of the plan did in a run. */
export interface BackendRunResult {
  readonly name: string;
  readonly kind: Plan['backends'][number]['kind'];
  /** Counted requests it was given, and how they ended there. */
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
  readonly inFlight: number;
  readonly figures: BackendFigures;
}

export interface PlanRunResult {
  readonly seed: number;
  readonly requests: {
    readonly arrived: number;
    /** Completed within the SLO. */
    readonly succeeded: number;
    /** Completed, but past the SLO. */
    readonly late: number;
    readonly failed: number;
    readonly failedBy: FailureCounts;
    readonly inFlight: number;
  };
  readonly successRate: number;
  /** Share of finished requests (succeeded, late or failed) that met the SLO. */
  readonly sloAttainment: number;
  /** Busy time: the share of provisioned replica time spent stepping (an LLM replica is busy even at a batch of one). */
  readonly utilization: number;
  /** Capacity used: work served over what the provisioned replicas could serve at saturation. */
  readonly capacityUtilization: number;
  readonly replicaUtilization: readonly number[];
  readonly queueLength: number;
  readonly inSystem: number;
  /** Counted arrivals per second of the measurement window. */
  readonly throughput: number;
  readonly latency: {
    readonly queueWait: SerializedHistogram;
    readonly e2e: SerializedHistogram;
    readonly ttft: SerializedHistogram;
    readonly tpot: SerializedHistogram;
  };
  /** Output tokens of counted completed requests, per second of the window. */
  readonly outputTokensPerSecond: number;
  readonly meanBatch: number;
  readonly kvOccupancy: number;
  readonly preemptions: number;
  /** Tokens prefilled again after preemptions dropped their KV cache. */
  readonly recomputedTokens: number;
  readonly spotPreemptions: number;
  /** LLM fleets: replica failures in the window. */
  readonly replicaFailures: number;
  /** Managed endpoints: cold starts in the window. */
  readonly coldStarts: number;
  /** API backends: calls made, 429 answers, failed calls, retries. */
  readonly api: ApiCounters;
  readonly cost: Bill;
  /** What reservations still owe after the window (term left × price); not in the cost. */
  readonly commitmentOwed: number;
  readonly classes: readonly ClassRunResult[];
  readonly backends: readonly BackendRunResult[];
  readonly routing: RoutingRunResult | undefined;
  /**
   * Samples over the window: arrivals per second, replicas serving and provisioning, requests
   * waiting, busy fraction, KV occupancy, and spend in USD per hour (GPUs and API tokens).
   */
  readonly timeSeries: SerializedSeries | undefined;
  /** Runs longer than a 730-hour month: the bill and key figures month by month. */
  readonly months: readonly MonthRunResult[] | undefined;
  /** Trace rows skipped as malformed (with skipBadRows). */
  readonly skippedRows: number;
  /** Values this run drew for the scenario's uncertain inputs, by field path. */
  readonly uncertain: Readonly<Record<string, number>>;
  readonly events: number;
}

/**
 * One run of plan `planIndex` with seed `seed` of a scenario whose uncertain inputs are
 * drawn already (`scenarioForRun`; plan-run.ts's `simulatePlanRun` draws them). Worker
 * threads call this directly, so that they load the scenario grammar only for scenarios
 * with uncertain inputs, whose draws it validates.
 */
export function simulateDrawnRun({ scenario, drawn }: DrawnRun, planIndex: number, seed: number, costBook: CostBook): PlanRunResult {
  const plan = scenario.plans[planIndex];
  if (!plan) throw new RangeError(`no plan ${planIndex}`);
  const costs = costBook.plans[planIndex] ?? [];
  const { horizon, warmup } = scenario;
  const window = { from: warmup, to: horizon };
  const sim = new Simulation();
  const classes = workloadClasses(scenario.workload);
  const months = monthsOf(warmup, horizon);
  const recorder = new RunRecorder(warmup, classes.map((c) => c.slo), months);
  const runtime = new PlanRuntime({
    sim,
    recorder,
    plan,
    seed,
    window,
    classes,
    contextWindows: plan.backends.map((_, b) => {
      const c = costs[b];
      return c?.kind === 'api' ? c.contextWindow : undefined;
    }),
    sampling: { ...scenario.timeSeries, costPerHour: (now, before, interval) => spendPerHour(costs, now, before, interval) },
  });

  // Requests are pulled one ahead: each arrival event schedules the next.
  const source = makeRequestSource(scenario.workload, { seed, horizon, baseDir: scenario.context.baseDir });
  const request: ArrivalRecord = { time: 0, input: 0, output: 0, classId: 0 };
  const pull = () => {
    if (source.next(request) && request.time <= horizon) sim.schedule(request.time, arrivalKind);
  };
  const arrivalKind = sim.register((_target, _gen, now) => {
    runtime.arrive(now, request.input, request.output, request.classId);
    pull();
  });
  try {
    pull();
    sim.runUntil(horizon);
  } finally {
    source.close();
  }
  const end = runtime.end(horizon);

  const windowSeconds = horizon - warmup;
  const billInput: BillInput = {
    backends: end.backends.map((b, i) => ({ name: b.name, usage: b.report.usage, costs: costs[i] ?? { kind: 'none' } })),
    classifier:
      end.routing && plan.routing?.classifier
        ? {
            callsByClass: end.routing.classifierCallsByClass,
            promptTokensByClass: end.routing.classifierPromptTokensByClass,
            outputTokensPerCall: plan.routing.classifier.outputTokens,
            usdPerCall: plan.routing.classifier.costPerCall,
            prices: costBook.classifiers?.[planIndex],
          }
        : undefined,
    overhead: plan.overhead,
    windowSeconds,
    successfulRequests: recorder.succeeded,
    outputTokens: recorder.outputTokens,
  };
  const cost = billRun(billInput);
  const itemsTotal = cost.items.reduce((a, b) => a + b.usd, 0);
  const fromMeters = totalFromMeters(billInput);
  if (!(Math.abs(itemsTotal - fromMeters) <= 1e-9 * Math.max(1, Math.abs(fromMeters)))) {
    throw new InvariantError(`plan ${plan.name}, seed ${seed}: bill items sum to ${itemsTotal}, but the meters priced directly come to ${fromMeters}`, horizon);
  }
  const classUsd = classCosts(billInput, cost, recorder.classes.map((c) => c.arrived));
  const monthly = months.count > 1 ? monthlyBills(billInput, end.backends, months, recorder) : undefined;
  const failed = recorder.failedTotal();
  const finished = recorder.succeeded + recorder.late + failed;
  const figures = combineFigures(end.backends.map((b) => b.report.figures));
  return {
    seed,
    requests: {
      arrived: recorder.arrived,
      succeeded: recorder.succeeded,
      late: recorder.late,
      failed,
      failedBy: { ...recorder.all.failed },
      inFlight: end.inFlight,
    },
    successRate: recorder.arrived > 0 ? recorder.succeeded / recorder.arrived : NaN,
    sloAttainment: finished > 0 ? recorder.succeeded / finished : NaN,
    ...figures,
    throughput: recorder.arrived / windowSeconds,
    latency: { queueWait: recorder.queueWait.toJSON(), e2e: recorder.all.e2e.toJSON(), ttft: recorder.all.ttft.toJSON(), tpot: recorder.tpot.toJSON() },
    outputTokensPerSecond: recorder.outputTokens / windowSeconds,
    cost,
    commitmentOwed: commitmentOwed(costs, windowSeconds),
    classes: recorder.classes.map((t, k) => ({
      name: classes[k]!.name,
      arrived: t.arrived,
      succeeded: t.succeeded,
      late: t.late,
      failed: t.failedTotal(),
      failedBy: { ...t.failed },
      latency: { e2e: t.e2e.toJSON(), ttft: t.ttft.toJSON() },
      costUsd: classUsd[k] ?? 0,
      byBackend: perBackend(end.backends, end.submittedByClass[k] ?? []),
    })),
    backends: end.backends.map(backendResult),
    routing: end.routing
      ? {
          byBackend: perBackend(end.backends, end.backends.map((b) => b.tally.submitted)),
          byRule: [...end.routing.byRule],
          overflows: end.routing.overflows,
          fallbacks: end.routing.fallbacks,
          escalations: end.routing.escalations,
          misroutes: end.routing.misroutes,
          classifierCalls: end.routing.classifierCallsByClass.reduce((a, x) => a + x, 0),
        }
      : undefined,
    timeSeries: end.timeSeries,
    months: monthly,
    skippedRows: source.skippedRows,
    uncertain: drawn,
    events: sim.eventsProcessed,
  };
}

/** The bill of each month: each backend's usage in that month, the overhead prorated to it. */
function monthlyBills(input: BillInput, backends: readonly BackendEnd[], months: Months, recorder: RunRecorder): MonthRunResult[] {
  return Array.from({ length: months.count }, (_, k) => {
    const seconds = monthSeconds(months, k);
    const cost = billRun({
      ...input,
      backends: input.backends.map((b, i) => {
        const m = backends[i]!.report.usage.byMonth?.[k];
        return { ...b, usage: { gpu: m?.gpu ?? [], busyGpuSeconds: 0, apiTokensByClass: m?.apiTokens ? [m.apiTokens] : undefined, servedTokensByClass: [] } };
      }),
      // The classifier is billed per call: each month its share of the arrivals.
      classifier: input.classifier
        ? { ...input.classifier, callsByClass: input.classifier.callsByClass.map((n) => (n * (recorder.arrivedByMonth[k] ?? 0)) / Math.max(1, recorder.arrived)), promptTokensByClass: input.classifier.promptTokensByClass.map((n) => (n * (recorder.arrivedByMonth[k] ?? 0)) / Math.max(1, recorder.arrived)) }
        : undefined,
      windowSeconds: seconds,
      successfulRequests: recorder.succeededByMonth[k] ?? 0,
      outputTokens: recorder.outputTokensByMonth[k] ?? 0,
    });
    return { month: k + 1, hours: seconds / 3600, arrived: recorder.arrivedByMonth[k] ?? 0, succeeded: recorder.succeededByMonth[k] ?? 0, cost };
  });
}

function perBackend(backends: readonly BackendEnd[], counts: readonly number[]): Record<string, number> {
  return Object.fromEntries(backends.map((b, i) => [b.name, counts[i] ?? 0]));
}

function backendResult(b: BackendEnd): BackendRunResult {
  return { name: b.name, kind: b.kind, submitted: b.tally.submitted, completed: b.tally.completed, failed: b.tally.failed, inFlight: b.report.inFlight, figures: b.report.figures };
}

type PlanFigures = Pick<PlanRunResult, 'utilization' | 'capacityUtilization' | 'replicaUtilization' | 'queueLength' | 'inSystem' | 'meanBatch' | 'kvOccupancy' | 'preemptions' | 'recomputedTokens' | 'spotPreemptions' | 'replicaFailures' | 'coldStarts' | 'api'>;

/**
 * A plan's figures from its backends': utilization and KV occupancy averaged over replicas,
 * the running batch over busy replica-time, queue lengths and counters summed. (With one
 * backend, its own figures.)
 */
export function combineFigures(backends: readonly BackendFigures[]): PlanFigures {
  let replicas = 0;
  let busy = 0;
  let batchArea = 0;
  let kv = 0;
  let kvReplicas = 0;
  let capacity = 0;
  let capacityReplicas = 0;
  const sumFinite = (pick: (f: BackendFigures) => number) => {
    const xs = backends.map(pick).filter(Number.isFinite);
    return xs.length > 0 ? xs.reduce((a, b) => a + b, 0) : NaN;
  };
  for (const f of backends) {
    if (f.replicas === 0) continue;
    replicas += f.replicas;
    busy += f.utilization * f.replicas;
    if (Number.isFinite(f.meanBatch)) batchArea += f.meanBatch * f.utilization * f.replicas;
    if (Number.isFinite(f.capacityUtilization)) {
      capacity += f.capacityUtilization * f.replicas;
      capacityReplicas += f.replicas;
    }
    if (Number.isFinite(f.kvOccupancy)) {
      kv += f.kvOccupancy * f.replicas;
      kvReplicas += f.replicas;
    }
  }
  const single = backends.length === 1 ? backends[0] : undefined;
  const api = { calls: 0, rateLimited: 0, errors: 0, retries: 0 };
  for (const f of backends) {
    if (!f.api) continue;
    api.calls += f.api.calls;
    api.rateLimited += f.api.rateLimited;
    api.errors += f.api.errors;
    api.retries += f.api.retries;
  }
  return {
    utilization: single ? single.utilization : replicas > 0 ? busy / replicas : NaN,
    capacityUtilization: single ? single.capacityUtilization : capacityReplicas > 0 ? capacity / capacityReplicas : NaN,
    replicaUtilization: backends.flatMap((f) => f.replicaUtilization),
    queueLength: sumFinite((f) => f.queueLength),
    inSystem: sumFinite((f) => f.inSystem),
    meanBatch: single ? single.meanBatch : busy > 0 && batchArea > 0 ? batchArea / busy : NaN,
    kvOccupancy: single ? single.kvOccupancy : kvReplicas > 0 ? kv / kvReplicas : NaN,
    preemptions: backends.reduce((n, f) => n + f.preemptions, 0),
    recomputedTokens: backends.reduce((n, f) => n + f.recomputedTokens, 0),
    spotPreemptions: backends.reduce((n, f) => n + f.spotPreemptions, 0),
    replicaFailures: backends.reduce((n, f) => n + f.replicaFailures, 0),
    coldStarts: backends.reduce((n, f) => n + f.coldStarts, 0),
    api,
  };
}
