/**
 * One Monte Carlo run of one plan: build the clock, the workload and the plan's backend,
 * run to the horizon, and return plain data (so it can cross a worker boundary).
 *
 * Every plan of a run sees the same arrivals and the same per-request draws, because the
 * streams are keyed by (run seed, purpose), not by plan: common random numbers make
 * differences between plans sharper than independent runs would.
 */
import { InvariantError, Simulation } from '../engine/index.js';
import { RunRecorder, type SerializedHistogram } from '../metrics/index.js';
import { makeSampler, openStream } from '../random/index.js';
import type { Scenario } from '../scenario/index.js';
import { LlmFleet, ServerFleet, type FleetRuntime } from '../fleet/index.js';
import { setupReplica } from '../serving/index.js';
import { makeArrivals } from '../workload/index.js';

export interface PlanRunResult {
  readonly seed: number;
  readonly requests: {
    readonly arrived: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly failedBy: { readonly rejected: number; readonly timedOut: number; readonly errored: number };
    readonly inFlight: number;
  };
  readonly successRate: number;
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
  /** LLM fleets: output tokens of counted successful requests, per second of the window. */
  readonly outputTokensPerSecond: number;
  readonly meanBatch: number;
  readonly kvOccupancy: number;
  readonly preemptions: number;
  readonly events: number;
}

export function simulatePlanRun(scenario: Scenario, planIndex: number, seed: number): PlanRunResult {
  const plan = scenario.plans[planIndex];
  if (!plan) throw new RangeError(`no plan ${planIndex}`);
  const { horizon, warmup } = scenario;
  const window = { from: warmup, to: horizon };
  const sim = new Simulation();
  const recorder = new RunRecorder(warmup);
  const backend = plan.backends[0]!;
  const queueCapacity = backend.queue?.capacity;
  const queueTimeout = backend.queue?.timeout;

  let fleet: FleetRuntime;
  if (backend.perf.kind === 'service') {
    fleet = new ServerFleet(sim, recorder, {
      replicas: backend.replicas,
      service: makeSampler(backend.perf.service),
      serviceRng: openStream(seed, 'service', 'backend0'),
      queueCapacity,
      queueTimeout,
      window,
    });
  } else {
    const setup = setupReplica(backend.perf);
    fleet = new LlmFleet(sim, recorder, {
      replicas: backend.replicas,
      stepTime: setup.stepTime,
      kvBlocks: setup.memory.kvBlocks,
      maxRequestTokens: Math.min(setup.memory.kvCapacityTokens, setup.config.model.contextLength),
      limits: backend.perf.scheduler,
      queueCapacity,
      queueTimeout,
      window,
    });
  }

  // Token lengths are drawn per request in arrival order from their own stream, so every
  // plan sees the same requests.
  // (Plain-server workloads have no lengths: no draws at all keeps their hot loop lean.)
  const lengthsRng = openStream(seed, 'lengths');
  const { input: inputDist, output: outputDist } = scenario.workload;
  const inputLength = inputDist ? makeSampler(inputDist) : undefined;
  const outputLength = outputDist ? makeSampler(outputDist) : undefined;
  const tokens = (sample: ((rng: typeof lengthsRng) => number) | undefined) => (sample ? Math.max(1, Math.round(sample(lengthsRng))) : 1);

  // Arrivals are generated one ahead: each arrival event schedules the next.
  const arrivals = makeArrivals(scenario.workload.arrivals, openStream(seed, 'arrivals'));
  const arrivalKind = sim.register((_target, _gen, now) => {
    const input = tokens(inputLength);
    fleet.arrive(now, input, tokens(outputLength));
    const next = arrivals.next();
    if (next <= horizon) sim.schedule(next, arrivalKind);
  });
  const first = arrivals.next();
  if (first <= horizon) sim.schedule(first, arrivalKind);

  sim.runUntil(horizon);
  const end = fleet.end(horizon);

  const failed = recorder.failedTotal();
  if (recorder.arrived !== recorder.succeeded + failed + end.inFlight) {
    throw new InvariantError(
      `requests not conserved in plan ${plan.name}, seed ${seed}: arrived ${recorder.arrived} != succeeded ${recorder.succeeded} + failed ${failed} + in flight ${end.inFlight}`,
      horizon,
    );
  }
  return {
    seed,
    requests: {
      arrived: recorder.arrived,
      succeeded: recorder.succeeded,
      failed,
      failedBy: { ...recorder.failed },
      inFlight: end.inFlight,
    },
    successRate: recorder.arrived > 0 ? recorder.succeeded / recorder.arrived : NaN,
    utilization: end.utilization,
    replicaUtilization: end.replicaUtilization,
    queueLength: end.queueLength,
    inSystem: end.inSystem,
    throughput: recorder.arrived / (horizon - warmup),
    latency: { queueWait: recorder.queueWait.toJSON(), e2e: recorder.e2e.toJSON(), ttft: recorder.ttft.toJSON(), tpot: recorder.tpot.toJSON() },
    outputTokensPerSecond: recorder.outputTokens / (horizon - warmup),
    meanBatch: end.meanBatch ?? NaN,
    kvOccupancy: end.kvOccupancy ?? NaN,
    preemptions: end.preemptions ?? 0,
    events: sim.eventsProcessed,
  };
}
