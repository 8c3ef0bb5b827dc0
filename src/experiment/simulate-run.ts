/**
 * One Monte Carlo run of one plan: build the clock, the workload and the plan's backend,
 * run to the horizon, bill it, and return plain data (so it can cross a worker boundary).
 *
 * Every plan of a run sees the same arrivals and the same per-request draws, because the
 * streams are keyed by (run seed, purpose), not by plan: common random numbers make
 * differences between plans sharper than independent runs would.
 */
import { ApiBackend } from '../api/index.js';
import { billRun, type Bill } from '../cost/index.js';
import { InvariantError, Simulation } from '../engine/index.js';
import { LlmFleet, ServerFleet, type FleetRuntime } from '../fleet/index.js';
import { RunRecorder, type SerializedHistogram } from '../metrics/index.js';
import { makeSampler, openStream } from '../random/index.js';
import { scenarioForRun, type Backend, type Scenario } from '../scenario/index.js';
import { setupReplica } from '../serving/index.js';
import { makeRequestSource, workloadClasses, type ArrivalRecord } from '../workload/index.js';
import { resolveCosts, type BackendCosts, type CostBook } from './resolve-costs.js';

export interface PlanRunResult {
  readonly seed: number;
  readonly requests: {
    readonly arrived: number;
    /** Completed within the SLO. */
    readonly succeeded: number;
    /** Completed, but past the SLO. */
    readonly late: number;
    readonly failed: number;
    readonly failedBy: { readonly rejected: number; readonly timedOut: number; readonly errored: number };
    readonly inFlight: number;
  };
  readonly successRate: number;
  /** Share of finished requests (succeeded, late or failed) that met the SLO. */
  readonly sloAttainment: number;
  readonly utilization: number;
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
  readonly spotPreemptions: number;
  /** Managed endpoints: cold starts in the window. */
  readonly coldStarts: number;
  /** API backends: calls made, 429 answers, failed calls, retries. */
  readonly api: { readonly calls: number; readonly rateLimited: number; readonly errors: number; readonly retries: number };
  readonly cost: Bill;
  /** Trace rows skipped as malformed (with skipBadRows). */
  readonly skippedRows: number;
  /** Values this run drew for the scenario's uncertain inputs, by field path. */
  readonly uncertain: Readonly<Record<string, number>>;
  readonly events: number;
}

function buildBackend(
  sim: Simulation,
  recorder: RunRecorder,
  backend: Backend,
  costs: BackendCosts | undefined,
  seed: number,
  window: { from: number; to: number },
  sharedPrefixByClass: readonly (number | undefined)[],
): FleetRuntime {
  if (backend.kind === 'api') {
    if (costs?.kind !== 'api') throw new Error('API backend without resolved prices');
    return new ApiBackend(sim, recorder, {
      tier: backend.tier,
      prices: { input: costs.input, cachedInput: costs.cachedInput, output: costs.output },
      cachedInputShare: backend.cachedInputShare,
      sharedPrefixByClass,
      ttft: makeSampler(backend.ttft),
      outputTokensPerSecond: makeSampler(backend.outputTokensPerSecond),
      batchLatency: makeSampler(backend.batchLatency),
      rateLimit: backend.rateLimit,
      retry: backend.retry,
      outages: backend.outages,
      rng: openStream(seed, 'api', 'backend0'),
      failureRng: openStream(seed, 'failures', 'api/backend0'),
    });
  }
  const queueCapacity = backend.queue?.capacity;
  const queueTimeout = backend.queue?.timeout;
  if (backend.perf.kind === 'service') {
    return new ServerFleet(sim, recorder, {
      replicas: backend.replicas,
      service: makeSampler(backend.perf.service),
      serviceRng: openStream(seed, 'service', 'backend0'),
      queueCapacity,
      queueTimeout,
      window,
    });
  }
  const setup = setupReplica(backend.perf);
  const managed =
    backend.kind === 'managed' && costs?.kind === 'managed'
      ? {
          gpu: backend.perf.gpu,
          gpusPerReplica: backend.perf.tp,
          pricePerGpuHour: costs.pricePerGpuHour,
          billingIncrement: backend.billing.billingIncrement,
          idleTimeout: backend.billing.idleTimeout,
          coldStart: backend.billing.coldStart,
        }
      : undefined;
  return new LlmFleet(sim, recorder, {
    replicas: backend.replicas,
    stepTime: setup.stepTime,
    kvBlocks: setup.memory.kvBlocks,
    maxRequestTokens: Math.min(setup.memory.kvCapacityTokens, setup.config.model.contextLength),
    limits: backend.perf.scheduler,
    queueCapacity,
    queueTimeout,
    window,
    pools: costs?.kind === 'fleet' ? costs.pools : undefined,
    preemptionRng: openStream(seed, 'failures', 'spot/backend0'),
    managed,
  });
}

export function simulatePlanRun(central: Scenario, planIndex: number, seed: number, costBook: CostBook = resolveCosts(central)): PlanRunResult {
  // Uncertain inputs are drawn once per run (the same draw for every plan of the run).
  const { scenario, drawn } = scenarioForRun(central, seed);
  const plan = scenario.plans[planIndex];
  if (!plan) throw new RangeError(`no plan ${planIndex}`);
  const { horizon, warmup } = scenario;
  const window = { from: warmup, to: horizon };
  const sim = new Simulation();
  const classes = workloadClasses(scenario.workload);
  const recorder = new RunRecorder(warmup, classes.map((c) => c.slo));
  const fleet = buildBackend(sim, recorder, plan.backends[0]!, costBook.plans[planIndex]?.[0], seed, window, classes.map((c) => c.sharedPrefix));

  // Requests are pulled one ahead: each arrival event schedules the next.
  const source = makeRequestSource(scenario.workload, { seed, horizon, baseDir: process.cwd() });
  const request: ArrivalRecord = { time: 0, input: 0, output: 0, classId: 0 };
  const pull = () => {
    if (source.next(request) && request.time <= horizon) sim.schedule(request.time, arrivalKind);
  };
  const arrivalKind = sim.register((_target, _gen, now) => {
    fleet.arrive(now, request.input, request.output, request.classId);
    pull();
  });
  try {
    pull();
    sim.runUntil(horizon);
  } finally {
    source.close();
  }
  const end = fleet.end(horizon);

  const failed = recorder.failedTotal();
  if (recorder.arrived !== recorder.succeeded + recorder.late + failed + end.inFlight) {
    throw new InvariantError(
      `requests not conserved in plan ${plan.name}, seed ${seed}: arrived ${recorder.arrived} != succeeded ${recorder.succeeded} + late ${recorder.late} + failed ${failed} + in flight ${end.inFlight}`,
      horizon,
    );
  }
  const windowSeconds = horizon - warmup;
  const cost = billRun({
    charges: end.charges,
    overhead: plan.overhead,
    windowSeconds,
    successfulRequests: recorder.succeeded,
    outputTokens: recorder.outputTokens,
    billedGpuSeconds: end.billedGpuSeconds,
    busyGpuSeconds: end.busyGpuSeconds,
  });
  const itemsTotal = Object.values(cost.items).reduce((a, b) => a + b, 0);
  if (Math.abs(itemsTotal - cost.total) > 1e-9 * Math.max(1, cost.total)) throw new InvariantError(`bill items sum to ${itemsTotal}, total ${cost.total}`, horizon);
  const finished = recorder.succeeded + recorder.late + failed;
  return {
    seed,
    requests: {
      arrived: recorder.arrived,
      succeeded: recorder.succeeded,
      late: recorder.late,
      failed,
      failedBy: { ...recorder.failed },
      inFlight: end.inFlight,
    },
    successRate: recorder.arrived > 0 ? recorder.succeeded / recorder.arrived : NaN,
    sloAttainment: finished > 0 ? recorder.succeeded / finished : NaN,
    utilization: end.utilization,
    replicaUtilization: end.replicaUtilization,
    queueLength: end.queueLength,
    inSystem: end.inSystem,
    throughput: recorder.arrived / windowSeconds,
    latency: { queueWait: recorder.queueWait.toJSON(), e2e: recorder.e2e.toJSON(), ttft: recorder.ttft.toJSON(), tpot: recorder.tpot.toJSON() },
    outputTokensPerSecond: recorder.outputTokens / windowSeconds,
    meanBatch: end.meanBatch ?? NaN,
    kvOccupancy: end.kvOccupancy ?? NaN,
    preemptions: end.preemptions ?? 0,
    spotPreemptions: end.spotPreemptions ?? 0,
    coldStarts: end.coldStarts ?? 0,
    api: end.api ?? { calls: 0, rateLimited: 0, errors: 0, retries: 0 },
    cost,
    skippedRows: source.skippedRows,
    uncertain: drawn,
    events: sim.eventsProcessed,
  };
}
