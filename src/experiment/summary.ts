/**
 * Summaries across runs: the `--json` document and what the table prints. Figures that
 * vary between runs become `AcrossRuns` statistics; latencies are pooled over all runs
 * (their histograms are merged) and reported once.
 */
import { acrossRuns, LogHistogram, type AcrossRuns, type LatencySummary, type SerializedHistogram } from '../metrics/index.js';
import { decide, type Decision, type PlanKind } from '../cost/index.js';
import type { Scenario } from '../scenario/index.js';
import type { CostBook } from './resolve-costs.js';
import type { ScenarioRuns } from './run-scenario.js';
import type { PlanRunResult } from './simulate-run.js';

/** Latency figures pooled over all runs (seconds), and how many requests they are over. */
export type PooledLatency = LatencySummary;

export interface PlanSummary {
  name: string;
  runs: number;
  kind: PlanKind;
  requests: { arrived: AcrossRuns; succeeded: AcrossRuns; late: AcrossRuns; failed: AcrossRuns; inFlight: AcrossRuns };
  failedBy: { rejected: AcrossRuns; timedOut: AcrossRuns; errored: AcrossRuns };
  successRate: AcrossRuns;
  sloAttainment: AcrossRuns;
  throughput: AcrossRuns;
  cost: {
    total: AcrossRuns;
    perSuccessfulRequest: AcrossRuns;
    perMonth: AcrossRuns;
    perMillionOutputTokens: AcrossRuns;
    paidUtilization: AcrossRuns;
    /** Line items over the window (USD). */
    items: Record<string, AcrossRuns>;
    /** Line items normalized to a 730-hour month (USD, means over runs). */
    itemsPerMonth: Record<string, number>;
  };
  api: { calls: AcrossRuns; rateLimited: AcrossRuns; errors: AcrossRuns; retries: AcrossRuns };
  spotPreemptions: AcrossRuns;
  coldStarts: AcrossRuns;
  /** The values drawn for uncertain inputs, across runs. */
  uncertain: Record<string, AcrossRuns>;
  /** Malformed trace rows skipped per run (with skipBadRows). */
  skippedRows: AcrossRuns;
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
  prices: CostBook;
  seeds: number[];
  warnings: string[];
  plans: PlanSummary[];
  decision: Decision;
  /**
   * cheaperShare[a][b]: the share of runs in which plan a cost less per successful request
   * than plan b. Run r of every plan saw the same traffic, so this is a paired comparison.
   */
  cheaperShare: Record<string, Record<string, number>>;
}

export function cheaperShare(runs: ScenarioRuns): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const a of runs.plans) {
    const row: Record<string, number> = {};
    for (const b of runs.plans) {
      if (a === b) continue;
      let wins = 0;
      a.runs.forEach((r, i) => {
        if (r.cost.perSuccessfulRequest < b.runs[i]!.cost.perSuccessfulRequest) wins++;
      });
      row[b.name] = a.runs.length > 0 ? wins / a.runs.length : NaN;
    }
    out[a.name] = row;
  }
  return out;
}

/** API plans bill tokens; self-hosted plans bill GPUs; plain-server plans bill nothing. */
export function planKind(plan: Scenario['plans'][number]): PlanKind {
  const backend = plan.backends[0]!;
  if (backend.kind === 'api') return 'api';
  if (backend.kind === 'managed') return 'managed';
  return backend.perf.kind === 'llm' ? 'self-hosted' : 'other';
}

export function pooledLatency(histograms: readonly SerializedHistogram[]): PooledLatency {
  const pooled = new LogHistogram();
  for (const h of histograms) pooled.merge(LogHistogram.fromJSON(h));
  return pooled.summary();
}

export function summarizePlan(name: string, kind: PlanKind, runs: readonly PlanRunResult[]): PlanSummary {
  const over = (pick: (r: PlanRunResult) => number) => acrossRuns(runs.map(pick));
  const replicas = runs[0]?.replicaUtilization.length ?? 0;
  const itemNames = [...new Set(runs.flatMap((r) => Object.keys(r.cost.items)))].sort();
  const items: Record<string, AcrossRuns> = {};
  const itemsPerMonth: Record<string, number> = {};
  for (const item of itemNames) {
    items[item] = over((r) => r.cost.items[item] ?? 0);
    itemsPerMonth[item] = acrossRuns(runs.map((r) => ((r.cost.items[item] ?? 0) * r.cost.perMonth) / (r.cost.total || 1))).mean;
  }
  return {
    name,
    kind,
    runs: runs.length,
    requests: {
      arrived: over((r) => r.requests.arrived),
      succeeded: over((r) => r.requests.succeeded),
      late: over((r) => r.requests.late),
      failed: over((r) => r.requests.failed),
      inFlight: over((r) => r.requests.inFlight),
    },
    failedBy: {
      rejected: over((r) => r.requests.failedBy.rejected),
      timedOut: over((r) => r.requests.failedBy.timedOut),
      errored: over((r) => r.requests.failedBy.errored),
    },
    successRate: over((r) => r.successRate),
    sloAttainment: over((r) => r.sloAttainment),
    throughput: over((r) => r.throughput),
    cost: {
      total: over((r) => r.cost.total),
      perSuccessfulRequest: over((r) => r.cost.perSuccessfulRequest),
      perMonth: over((r) => r.cost.perMonth),
      perMillionOutputTokens: over((r) => r.cost.perMillionOutputTokens),
      paidUtilization: over((r) => r.cost.paidUtilization),
      items,
      itemsPerMonth,
    },
    api: {
      calls: over((r) => r.api.calls),
      rateLimited: over((r) => r.api.rateLimited),
      errors: over((r) => r.api.errors),
      retries: over((r) => r.api.retries),
    },
    spotPreemptions: over((r) => r.spotPreemptions),
    coldStarts: over((r) => r.coldStarts),
    skippedRows: over((r) => r.skippedRows),
    uncertain: Object.fromEntries(Object.keys(runs[0]?.uncertain ?? {}).map((path) => [path, over((r) => r.uncertain[path] ?? NaN)])),
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
  const plans = runs.plans.map((p, i) => summarizePlan(p.name, planKind(runs.scenario.plans[i]!), p.runs));
  return {
    capsim: { version, command: 'run' },
    scenario: runs.scenario,
    prices: runs.costs,
    seeds: [...runs.seeds],
    warnings,
    plans,
    decision: decide(
      plans.map((p) => ({ name: p.name, kind: p.kind, perSuccessfulRequest: p.cost.perSuccessfulRequest.mean })),
      runs.scenario.decision.friction,
    ),
    cheaperShare: cheaperShare(runs),
  };
}
