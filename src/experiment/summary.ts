/**
 * Summaries across runs: the `--json` document and what the table prints. Figures that
 * vary between runs become `AcrossRuns` statistics; latencies are pooled over all runs
 * (their histograms are merged) and reported once.
 */
import { acrossRuns, LogHistogram, type AcrossRuns, type SerializedHistogram } from '../metrics/index.js';
import type { Scenario } from '../scenario/index.js';
import type { ScenarioRuns } from './run-scenario.js';
import type { PlanRunResult } from './simulate-run.js';

export interface PooledLatency {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  /** How many requests the figures are over. */
  count: number;
}

export interface PlanSummary {
  name: string;
  runs: number;
  requests: { arrived: AcrossRuns; succeeded: AcrossRuns; failed: AcrossRuns; inFlight: AcrossRuns };
  failedBy: { rejected: AcrossRuns; timedOut: AcrossRuns; errored: AcrossRuns };
  successRate: AcrossRuns;
  throughput: AcrossRuns;
  latency: { queueWait: PooledLatency; e2e: PooledLatency; ttft: PooledLatency; tpot: PooledLatency };
  /** LLM fleets: output tokens per second, mean running batch while busy, KV occupancy, preemptions per run. */
  outputTokensPerSecond: AcrossRuns;
  meanBatch: AcrossRuns;
  kvOccupancy: AcrossRuns;
  preemptions: AcrossRuns;
  utilization: AcrossRuns;
  /** Mean over runs of each replica's busy fraction. */
  replicaUtilization: number[];
  queueLength: AcrossRuns;
  inSystem: AcrossRuns;
}

export interface RunSummary {
  capsim: { version: string; command: 'run' };
  scenario: Scenario;
  seeds: number[];
  warnings: string[];
  plans: PlanSummary[];
}

export function pooledLatency(histograms: readonly SerializedHistogram[]): PooledLatency {
  const pooled = new LogHistogram();
  for (const h of histograms) pooled.merge(LogHistogram.fromJSON(h));
  const s = pooled.summary();
  return { mean: s.mean, p50: s.p50, p90: s.p90, p99: s.p99, p999: s.p999, count: s.count };
}

export function summarizePlan(name: string, runs: readonly PlanRunResult[]): PlanSummary {
  const over = (pick: (r: PlanRunResult) => number) => acrossRuns(runs.map(pick));
  const replicas = runs[0]?.replicaUtilization.length ?? 0;
  return {
    name,
    runs: runs.length,
    requests: {
      arrived: over((r) => r.requests.arrived),
      succeeded: over((r) => r.requests.succeeded),
      failed: over((r) => r.requests.failed),
      inFlight: over((r) => r.requests.inFlight),
    },
    failedBy: {
      rejected: over((r) => r.requests.failedBy.rejected),
      timedOut: over((r) => r.requests.failedBy.timedOut),
      errored: over((r) => r.requests.failedBy.errored),
    },
    successRate: over((r) => r.successRate),
    throughput: over((r) => r.throughput),
    latency: {
      queueWait: pooledLatency(runs.map((r) => r.latency.queueWait)),
      e2e: pooledLatency(runs.map((r) => r.latency.e2e)),
      ttft: pooledLatency(runs.map((r) => r.latency.ttft)),
      tpot: pooledLatency(runs.map((r) => r.latency.tpot)),
    },
    outputTokensPerSecond: over((r) => r.outputTokensPerSecond),
    meanBatch: over((r) => r.meanBatch),
    kvOccupancy: over((r) => r.kvOccupancy),
    preemptions: over((r) => r.preemptions),
    utilization: over((r) => r.utilization),
    replicaUtilization: Array.from({ length: replicas }, (_, i) => acrossRuns(runs.map((r) => r.replicaUtilization[i]!)).mean),
    queueLength: over((r) => r.queueLength),
    inSystem: over((r) => r.inSystem),
  };
}

export function summarizeRuns(runs: ScenarioRuns, version: string, warnings: string[]): RunSummary {
  return {
    capsim: { version, command: 'run' },
    scenario: runs.scenario,
    seeds: [...runs.seeds],
    warnings,
    plans: runs.plans.map((p) => summarizePlan(p.name, p.runs)),
  };
}
