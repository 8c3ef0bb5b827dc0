/**
 * A plan's backends, built from the scenario: one exhaustive switch over the backend kinds,
 * so a kind that is not handled here does not compile. Random streams are keyed by the
 * backend's name: renaming a backend changes its draws, reordering a plan's backends does not.
 */
import { ApiBackend, apiLatencySamplers } from '../api/index.js';
import type { Backend, BackendContext } from '../backend/index.js';
import { fleetPools, LlmFleet, ServerFleet, type LlmFleetOptions } from '../fleet/index.js';
import { boundedSampler, distributionMean, openStream } from '../random/index.js';
import type { Autoscale, BackendSpec, FleetBackend, ManagedBackend } from '../scenario/index.js';
import { setupReplica } from '../serving/index.js';
import type { ResolvedClass } from '../workload/index.js';

/** What building a backend needs beyond its spec: facts looked up in catalogs before the run. */
export interface BuildFacts {
  readonly seed: number;
  readonly classes: readonly ResolvedClass[];
  /** API backends: the model's context window (prompt + output tokens), when the price catalog gives one. */
  readonly contextWindow: number | undefined;
}

export function buildBackend(ctx: BackendContext, spec: BackendSpec, facts: BuildFacts): Backend {
  switch (spec.kind) {
    case 'api':
      return new ApiBackend(ctx, {
        name: spec.name,
        tier: spec.tier,
        contextWindow: facts.contextWindow,
        cachedInputShare: spec.cachedInputShare,
        sharedPrefixByClass: facts.classes.map((c) => c.sharedPrefix),
        ...apiLatencySamplers(spec),
        batchLatency: boundedSampler(spec.batchLatency, `${spec.name}.batchLatency`),
        rateLimit: spec.rateLimit,
        retry: spec.retry,
        outages: spec.outages,
        rng: openStream(facts.seed, 'api', spec.name),
        failureRng: openStream(facts.seed, 'failures', `api/${spec.name}`),
      });
    case 'fleet':
      return buildFleet(ctx, spec, facts);
    case 'managed':
      return buildLlmFleet(ctx, spec, facts);
    default: {
      const unhandled: never = spec;
      throw new Error(`no backend of kind ${(unhandled as { kind: string }).kind}`);
    }
  }
}

function buildFleet(ctx: BackendContext, spec: FleetBackend, facts: BuildFacts): Backend {
  if (spec.perf.kind === 'service') {
    return new ServerFleet(ctx, {
      name: spec.name,
      replicas: spec.replicas,
      service: boundedSampler(spec.perf.service, `${spec.name}.service`),
      meanService: distributionMean(spec.perf.service),
      serviceRng: openStream(facts.seed, 'service', spec.name),
      queueCapacity: spec.queue?.capacity,
      queueTimeout: spec.queue?.timeout,
    });
  }
  return buildLlmFleet(ctx, spec, facts);
}

/**
 * The autoscaler's options. Without a provisioning distribution, a replica takes about a
 * minute to get its GPU plus 1 s per 2 GB of weights to load them, with a p99 three times
 * the median: an assumption (cloud GPU start and model load times vary widely), not a
 * measurement; give `provisioning` from your own.
 */
function autoscaleOptions(spec: FleetBackend, weightBytes: number, seed: number): LlmFleetOptions['autoscale'] {
  const a = (spec as { autoscale?: Autoscale }).autoscale;
  if (!a) return undefined;
  const median = 60 + weightBytes / 1e9 / 2;
  const provisioning = boundedSampler(a.provisioning ?? { dist: 'lognormal', median, p99: 3 * median }, `${spec.name}.autoscale.provisioning`);
  const rng = openStream(seed, 'scaling', spec.name);
  return {
    metric: a.metric,
    target: a.target,
    min: a.min,
    max: a.max,
    tick: a.tick,
    metricsDelay: a.metricsDelay,
    scaleDownWindow: a.scaleDownWindow,
    maxStep: a.maxStep,
    tolerance: a.tolerance,
    scaleToZero: a.scaleToZero,
    schedule: a.schedule,
    stockout: a.stockout,
    provisioning: () => provisioning(rng),
    rng,
  };
}

function buildLlmFleet(ctx: BackendContext, spec: FleetBackend | ManagedBackend, facts: BuildFacts): Backend {
  if (spec.perf.kind !== 'llm') throw new Error('an LLM fleet needs a model and a GPU');
  const perf = spec.perf;
  const setup = setupReplica(perf);
  return new LlmFleet(ctx, {
    name: spec.name,
    replicas: spec.replicas,
    stepTime: setup.stepTime,
    kvBlocks: setup.memory.kvBlocks,
    maxRequestTokens: Math.min(setup.memory.kvCapacityTokens, setup.config.model.contextLength),
    limits: perf.scheduler,
    queueCapacity: spec.queue?.capacity,
    queueTimeout: spec.queue?.timeout,
    pools: spec.kind === 'fleet' ? fleetPools(perf.gpu, perf.tp, 'pools' in spec ? spec.pools : undefined) : undefined,
    preemptionRng: openStream(facts.seed, 'failures', `spot/${spec.name}`),
    failures: spec.kind === 'fleet' ? (spec as { failures?: LlmFleetOptions['failures'] }).failures : undefined,
    failureRng: openStream(facts.seed, 'failures', `replica/${spec.name}`),
    autoscale: spec.kind === 'fleet' ? autoscaleOptions(spec, setup.memory.weightBytes, facts.seed) : undefined,
    managed:
      spec.kind === 'managed'
        ? { gpu: perf.gpu, gpusPerReplica: perf.tp, billingIncrement: spec.billing.billingIncrement, idleTimeout: spec.billing.idleTimeout, coldStart: spec.billing.coldStart }
        : undefined,
  });
}
