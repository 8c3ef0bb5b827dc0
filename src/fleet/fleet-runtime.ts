/**
 * What every backend does in a run: take arrivals, and report at the horizon.
 */
import type { Charge } from './pools.js';

export interface FleetRuntime {
  /** A request of class `classId` arrives now with these token lengths (plain-server fleets ignore them). */
  arrive(now: number, inputTokens: number, outputTokens: number, classId: number): void;
  end(horizon: number): FleetEnd;
}

export interface FleetEnd {
  /** Counted requests still queued or in service at the horizon. */
  inFlight: number;
  /** Busy fraction of each replica over the window (an LLM replica is busy while it steps). */
  replicaUtilization: number[];
  utilization: number;
  /** Time-average number of requests waiting. */
  queueLength: number;
  /** Time-average number waiting or in service (plain servers; NaN where not measured). */
  inSystem: number;
  /** LLM replicas: time-average running sequences while busy, KV-cache occupancy, preemptions. */
  meanBatch?: number;
  kvOccupancy?: number;
  preemptions?: number;
  /** Spot replicas preempted by the provider during the window. */
  spotPreemptions?: number;
  /** Managed endpoints: cold starts during the window. */
  coldStarts?: number;
  /** What the backend charged over the window, and the GPU time billed and busy. */
  charges: Charge[];
  billedGpuSeconds: number;
  busyGpuSeconds: number;
  /** API backends: calls made, 429 answers, failed calls, retries. */
  api?: { calls: number; rateLimited: number; errors: number; retries: number };
}
