/**
 * The one contract every backend kind keeps (plain-server fleet, LLM fleet, managed
 * endpoint, API). A backend:
 * - takes a submitted request (`submit`), by its id in the run's request table;
 * - shows a read-only view of its load (`LoadView`) that a router consults before
 *   submitting: whether it would refuse a request now and why, how much it holds, and
 *   how long a new request would wait;
 * - reports what happens to each request through the `OutcomeSink` it was built with:
 *   started, first token, completed, failed with a reason; exactly one terminal outcome
 *   (completed or failed) per submitted request, unless it is still in flight at the end;
 * - at the end of a run returns usage meters (what it used, never what that costs: money
 *   is cost/'s business) and its own figures.
 *
 * Backends never touch the run's recorder; the plan runtime (plan/) owns outcomes.
 */
import type { Simulation } from '../engine/index.js';
import type { FailureReason } from '../metrics/index.js';
import type { ReqId, RequestTable } from './request-table.js';

/** What a backend tells the plan runtime about the requests it was given. */
export interface OutcomeSink {
  /** The request left the backend's queue and began service (the first time only). */
  started(id: ReqId, now: number): void;
  /** The request's first output token, at `at` (streaming backends). */
  firstToken(id: ReqId, at: number): void;
  /** The request completed now with `outputTokens` output tokens (0 where the backend models no tokens). */
  completed(id: ReqId, now: number, outputTokens: number): void;
  /** The request failed for `reason` at `at` (at or before now: a timeout is found lazily). */
  failed(id: ReqId, at: number, reason: FailureReason): void;
}

/** What every backend is built with. */
export interface BackendContext {
  readonly sim: Simulation;
  readonly table: RequestTable;
  readonly sink: OutcomeSink;
  /** The measurement window: requests arriving before `from` load the system but are not metered. */
  readonly window: { readonly from: number; readonly to: number };
}

/** Why a backend would not take a request now. */
export type Refusal = Extract<FailureReason, 'queueFull' | 'tooLong' | 'unavailable'>;

/** The read-only view of a backend's load that a router may consult. */
export interface LoadView {
  /** Why this backend would refuse a request of these lengths now; undefined when it takes it. */
  refusal(inputTokens: number, outputTokens: number): Refusal | undefined;
  /** Requests it holds now: queued, in service, or waiting to retry. */
  readonly outstanding: number;
  /** An estimate of how long a request submitted now would wait before its service begins (seconds). */
  predictedWait(now: number): number;
  /**
   * Whether it can begin serving a request within `patience` seconds: false when no replica
   * is up, or a scaled-to-zero endpoint's cold start is longer. (An API's outages are found
   * by calling it.) A router falls back when this is false.
   */
  available(now: number, patience: number): boolean;
}

/** What a backend looks like at one moment, for time series. */
export interface BackendSample {
  /** Replicas serving, and on their way (provisioning). */
  readonly serving: number;
  readonly provisioning: number;
  /** GPUs billed at this moment, by pool. */
  readonly billedGpus: Readonly<Record<GpuPool, number>>;
  /** Requests waiting, and running. */
  readonly waiting: number;
  readonly running: number;
  /** Serving replicas stepping now. */
  readonly busy: number;
  /** Share of the serving replicas' KV cache in use. */
  readonly kvOccupancy: number;
  /** API backends: tokens metered so far (cumulative, counted requests), for a spend rate. */
  readonly tokens: TokenMeter | undefined;
}

export const NO_GPUS: Readonly<Record<GpuPool, number>> = { reserved: 0, onDemand: 0, spot: 0, managed: 0 };

export interface Backend extends LoadView {
  readonly name: string;
  /** This moment's replicas, queue and billed GPUs (time series). */
  sample(): BackendSample;
  /** Takes a request that `refusal` did not refuse. */
  submit(id: ReqId, now: number): void;
  /** Closes the run at the horizon. */
  end(horizon: number): BackendReport;
}

export type GpuPool = 'reserved' | 'onDemand' | 'spot' | 'managed';

/** GPU time a backend was billed for, by pool and GPU type (seconds of GPU, over the window). */
export interface GpuMeter {
  readonly pool: GpuPool;
  readonly gpu: string;
  readonly gpuSeconds: number;
}

/** API tokens billed: uncached input, cached input and output. */
export interface TokenMeter {
  input: number;
  cachedInput: number;
  output: number;
}

export function noTokens(): TokenMeter {
  return { input: 0, cachedInput: 0, output: 0 };
}

/** The sum of token meters (holes in a per-class array count as none). */
export function sumMeters(meters: readonly (TokenMeter | undefined)[]): TokenMeter {
  const total = noTokens();
  for (const m of meters) {
    if (!m) continue;
    total.input += m.input;
    total.cachedInput += m.cachedInput;
    total.output += m.output;
  }
  return total;
}

/** What a backend used over the window: the only thing cost/ needs to price it. */
export interface UsageMeters {
  readonly gpu: readonly GpuMeter[];
  /** GPU-seconds spent stepping (for the utilization actually paid for). */
  readonly busyGpuSeconds: number;
  /** API backends: tokens billed per request class (counted requests only). */
  readonly apiTokensByClass: readonly TokenMeter[] | undefined;
  /** Prompt + output tokens of counted requests each class completed here: how a fleet's cost is shared among classes. */
  readonly servedTokensByClass: readonly number[];
  /** The same GPU time and API tokens per 730-hour month of the window (runs longer than a month). */
  readonly byMonth?: readonly MonthUsage[] | undefined;
}

export interface MonthUsage {
  readonly gpu: readonly GpuMeter[];
  readonly apiTokens: TokenMeter | undefined;
}

/** A backend's own figures over the window. */
export interface BackendFigures {
  /** Replicas (0 for an API). */
  readonly replicas: number;
  /** Busy fraction over the window (an LLM replica is busy while it steps); NaN for an API. */
  readonly utilization: number;
  readonly replicaUtilization: readonly number[];
  /**
   * Work served over what the provisioned replicas could have served at saturation (for the
   * realized request mix), time-weighted over provisioned replica time: the articles'
   * "20–40% utilization". NaN for an API.
   */
  readonly capacityUtilization: number;
  /** Time-average requests waiting. */
  readonly queueLength: number;
  /** Time-average requests waiting or in service (plain servers; NaN where not measured). */
  readonly inSystem: number;
  /** LLM replicas: time-average running sequences while busy, KV-cache occupancy, preemptions by recompute. */
  readonly meanBatch: number;
  readonly kvOccupancy: number;
  readonly preemptions: number;
  /** Tokens whose KV cache preemptions dropped, prefilled again. */
  readonly recomputedTokens: number;
  readonly spotPreemptions: number;
  /** Replicas that failed (and were repaired) in the window. */
  readonly replicaFailures: number;
  readonly coldStarts: number;
  /** API backends: calls made, 429 answers, failed calls, retries. */
  readonly api: ApiCounters | undefined;
  /** Autoscaled fleets: replicas asked for and provisioned, drained away, and on-demand stockouts. */
  readonly scaling?: { readonly scaleUps: number; readonly scaleDowns: number; readonly stockouts: number } | undefined;
}

export interface ApiCounters {
  readonly calls: number;
  readonly rateLimited: number;
  readonly errors: number;
  readonly retries: number;
}

export interface BackendReport {
  /** Counted requests this backend still held at the horizon. */
  readonly inFlight: number;
  readonly usage: UsageMeters;
  readonly figures: BackendFigures;
}

/** Figures of a backend that has no replicas of its own (an API). */
export function noReplicaFigures(api: ApiCounters | undefined): BackendFigures {
  return { replicas: 0, utilization: NaN, capacityUtilization: NaN, replicaUtilization: [], queueLength: NaN, inSystem: NaN, meanBatch: NaN, kvOccupancy: NaN, preemptions: 0, recomputedTokens: 0, spotPreemptions: 0, replicaFailures: 0, coldStarts: 0, api };
}
