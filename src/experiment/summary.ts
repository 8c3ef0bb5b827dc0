/**
 * Summaries across runs: the `--json` document and what the table prints. Figures that
 * vary between runs become `AcrossRuns` statistics; latencies are pooled over all runs
 * (their histograms are merged) and reported once.
 */
import { acrossRuns, FAILURE_REASONS, LogHistogram, pooledRatio, type AcrossRuns, type PooledRatio, type FailureReason, type LatencySummary, type SerializedHistogram } from '../metrics/index.js';
import { decide, type CostBook, type Decision } from '../cost/index.js';
import { planKind, type PlanKind } from '../plan/index.js';
import { scenarioForOutput } from '../scenario/index.js';
import { workloadClasses } from '../workload/index.js';
import type { ScenarioRuns } from './run-scenario.js';
import type { PlanRunResult } from './simulate-run.js';
import { PooledLatencies } from './pooled-latency.js';
import { capsimVersion } from './version.js';

/** Latency figures pooled over all runs (seconds), and how many requests they are over. */
export type PooledLatency = LatencySummary;

export interface PlanSummary {
  name: string;
  runs: number;
  kind: PlanKind;
  requests: { arrived: AcrossRuns; succeeded: AcrossRuns; late: AcrossRuns; failed: AcrossRuns; inFlight: AcrossRuns };
  /** Failures by reason (see metrics/run-recorder.ts for what each means). */
  failedBy: Record<FailureReason, AcrossRuns>;
  successRate: AcrossRuns;
  sloAttainment: AcrossRuns;
  throughput: AcrossRuns;
  cost: {
    total: AcrossRuns;
    /** Per run (runs with no success have none and are left out of these statistics). */
    perSuccessfulRequest: AcrossRuns;
    /**
     * Total cost over total successes across all runs, with a 95% interval: what the
     * recommendation ranks on, so runs in which nothing succeeded still count.
     */
    pooledPerSuccessfulRequest: PooledRatio;
    /** Runs in which no request succeeded. */
    runsWithoutSuccess: number;
    perMonth: AcrossRuns;
    perMillionOutputTokens: AcrossRuns;
    paidUtilization: AcrossRuns;
    /** Line items over the window (USD), by item id. */
    items: Record<string, AcrossRuns>;
    /** Line items normalized to a 730-hour month (USD, means over runs). */
    itemsPerMonth: Record<string, number>;
    /** Each item id in words ("GPU on-demand, NVIDIA A100 SXM4 80GB"). */
    itemLabels: Record<string, string>;
    /** What reservations still owe after the window (term left × reserved price), per run; not in the total. */
    commitmentOwed: AcrossRuns;
  };
  /** Runs longer than a 730-hour month: the bill and key figures month by month. */
  months: MonthSummary[] | undefined;
  /** Per request class: outcomes, latencies, its share of the cost, and its SLO target. */
  classes: ClassSummary[];
  /** Per backend: the requests it was given and how they ended there, and its own figures. */
  backends: BackendSummary[];
  /** Plans with routing rules: where requests went and how they were re-routed. */
  routing: RoutingSummary | undefined;
  /** The time series of the run with the median cost per successful request, and the across-runs band of replicas and spend. */
  timeSeries: TimeSeriesSummary | undefined;
  /** Per run, what the report plots: cost per successful request and per month, success rate. */
  perRun: PerRunFigures[];
  api: { calls: AcrossRuns; rateLimited: AcrossRuns; errors: AcrossRuns; retries: AcrossRuns };
  spotPreemptions: AcrossRuns;
  replicaFailures: AcrossRuns;
  coldStarts: AcrossRuns;
  /** The values drawn for uncertain inputs, across runs. */
  uncertain: Record<string, AcrossRuns>;
  /** Malformed trace rows skipped per run (with skipBadRows). */
  skippedRows: AcrossRuns;
  latency: { queueWait: PooledLatency; e2e: PooledLatency; ttft: PooledLatency; tpot: PooledLatency };
  /** Each run's mean queue wait (seconds), across runs: the interval to quote for the mean wait (the pooled latencies have none). */
  meanQueueWait: AcrossRuns;
  /** Quantiles of time to first token and end-to-end latency pooled over runs, for CDFs. */
  latencyQuantiles: LatencyQuantiles;
  /** LLM fleets: output tokens per second, mean running batch while busy, KV occupancy, preemptions per run. */
  outputTokensPerSecond: AcrossRuns;
  meanBatch: AcrossRuns;
  kvOccupancy: AcrossRuns;
  preemptions: AcrossRuns;
  /** Tokens prefilled again after preemptions dropped their KV cache, per run. */
  recomputedTokens: AcrossRuns;
  /** Busy time: the share of provisioned replica time spent stepping. */
  utilization: AcrossRuns;
  /** Capacity used: work served over what the provisioned replicas could serve at saturation. */
  capacityUtilization: AcrossRuns;
  /** Mean over runs of each replica's busy fraction. */
  replicaUtilization: number[];
  queueLength: AcrossRuns;
  inSystem: AcrossRuns;
}

/** One run of a plan: what the report plots per run and `capsim report --out` writes to runs.csv (null: not measured). */
export interface PerRunFigures {
  seed: number;
  costPerSuccessfulRequest: number | null;
  costPerMonth: number;
  costTotal: number;
  successRate: number | null;
  sloAttainment: number | null;
  arrived: number;
  succeeded: number;
  failed: number;
  utilization: number | null;
  capacityUtilization: number | null;
  meanQueueWait: number | null;
  /** Values drawn for uncertain inputs, by path. */
  drawn: Record<string, number>;
}

/** Pooled latency quantiles at fixed probabilities: the report's CDFs. */
export interface LatencyQuantiles {
  probabilities: number[];
  ttft: number[];
  e2e: number[];
}

export interface ClassSummary {
  name: string;
  requests: { arrived: AcrossRuns; succeeded: AcrossRuns; late: AcrossRuns; failed: AcrossRuns };
  failedBy: Record<FailureReason, AcrossRuns>;
  /** Succeeded / arrived, per run. */
  successRate: AcrossRuns;
  /** The share of arrived requests that must succeed (undefined without an SLO). */
  target: number | undefined;
  latency: { e2e: PooledLatency; ttft: PooledLatency };
  /** This class's share of the plan's total cost, per run. */
  costShare: AcrossRuns;
  /** This class's cost over its own successful requests. */
  costPerSuccessfulRequest: AcrossRuns;
  /** Counted requests of this class given to each backend. */
  byBackend: Record<string, AcrossRuns>;
}

export interface MonthSummary {
  month: number;
  hours: number;
  arrived: AcrossRuns;
  succeeded: AcrossRuns;
  /** USD over the month. */
  total: AcrossRuns;
  /** Total cost over total successes of the month across runs. */
  perSuccessfulRequest: PooledRatio;
  /** Line items of the month (USD, means over runs). */
  items: Record<string, number>;
}

export interface TimeSeriesSummary {
  /** The seed of the representative run (the median cost per successful request). */
  seed: number;
  interval: number;
  time: readonly number[];
  fields: Readonly<Record<string, readonly number[]>>;
  /** Per point, the 5th, 50th and 95th percentiles across runs. */
  band: { replicas: { p5: number; p50: number; p95: number }[]; costPerHour: { p5: number; p50: number; p95: number }[] };
}

export interface RoutingSummary {
  /** Counted requests given to each backend (fallbacks and escalations included). */
  byBackend: Record<string, AcrossRuns>;
  /** Requests each rule matched, in rule order. */
  byRule: AcrossRuns[];
  overflows: AcrossRuns;
  fallbacks: AcrossRuns;
  escalations: AcrossRuns;
  misroutes: AcrossRuns;
  classifierCalls: AcrossRuns;
}

export interface BackendSummary {
  name: string;
  kind: string;
  requests: { submitted: AcrossRuns; completed: AcrossRuns; failed: AcrossRuns; inFlight: AcrossRuns };
  /** Replicas (an autoscaled fleet's mean provisioned replicas over the window, first run). */
  replicas: number;
  utilization: AcrossRuns;
  capacityUtilization: AcrossRuns;
  /** Autoscaled fleets: per run, replicas provisioned and drained away, and on-demand stockouts. */
  scaling: { scaleUps: AcrossRuns; scaleDowns: AcrossRuns; stockouts: AcrossRuns; meanReplicas: AcrossRuns } | undefined;
  queueLength: AcrossRuns;
  meanBatch: AcrossRuns;
  kvOccupancy: AcrossRuns;
  preemptions: AcrossRuns;
  recomputedTokens: AcrossRuns;
  spotPreemptions: AcrossRuns;
  replicaFailures: AcrossRuns;
  coldStarts: AcrossRuns;
  api: { calls: AcrossRuns; rateLimited: AcrossRuns; errors: AcrossRuns; retries: AcrossRuns } | undefined;
}

export interface RunSummary {
  capsim: { version: string; command: 'run' };
  scenario: ReturnType<typeof scenarioForOutput>;
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


function failuresAcross<T>(runs: readonly T[], pick: (r: T) => Record<FailureReason, number>): Record<FailureReason, AcrossRuns> {
  return Object.fromEntries(FAILURE_REASONS.map((reason) => [reason, acrossRuns(runs.map((r) => pick(r)[reason]))])) as Record<FailureReason, AcrossRuns>;
}

export function summarizePlan(name: string, kind: PlanKind, runs: readonly PlanRunResult[], targets: readonly (number | undefined)[] = [], pooled?: PooledLatencies): PlanSummary {
  // Latencies pooled as the runs finished (a study), or here from the runs' own histograms.
  const pool = pooled ?? PooledLatencies.of(runs);
  pool.settleSums(runs);
  const over = (pick: (r: PlanRunResult) => number) => acrossRuns(runs.map(pick));
  const replicas = runs[0]?.replicaUtilization.length ?? 0;
  const itemUsd = (r: PlanRunResult, id: string) => r.cost.items.reduce((sum, item) => (item.id === id ? sum + item.usd : sum), 0);
  const itemLabels: Record<string, string> = {};
  for (const r of runs) for (const item of r.cost.items) itemLabels[item.id] ??= item.label;
  const items: Record<string, AcrossRuns> = {};
  const itemsPerMonth: Record<string, number> = {};
  for (const id of Object.keys(itemLabels).sort()) {
    items[id] = over((r) => itemUsd(r, id));
    itemsPerMonth[id] = acrossRuns(runs.map((r) => (itemUsd(r, id) * r.cost.perMonth) / (r.cost.total || 1))).mean;
  }
  const classCount = runs[0]?.classes.length ?? 0;
  const classes = Array.from({ length: classCount }, (_, k): ClassSummary => {
    const of = (pick: (c: PlanRunResult['classes'][number], r: PlanRunResult) => number) => acrossRuns(runs.map((r) => pick(r.classes[k]!, r)));
    return {
      name: runs[0]!.classes[k]!.name,
      requests: { arrived: of((c) => c.arrived), succeeded: of((c) => c.succeeded), late: of((c) => c.late), failed: of((c) => c.failed) },
      failedBy: failuresAcross(runs, (r) => r.classes[k]!.failedBy),
      successRate: of((c) => (c.arrived > 0 ? c.succeeded / c.arrived : NaN)),
      target: targets[k],
      latency: { e2e: pool.classes[k]?.e2e.summary() ?? new LogHistogram().summary(), ttft: pool.classes[k]?.ttft.summary() ?? new LogHistogram().summary() },
      costShare: of((c, r) => (r.cost.total > 0 ? c.costUsd / r.cost.total : NaN)),
      costPerSuccessfulRequest: of((c) => (c.succeeded > 0 ? c.costUsd / c.succeeded : NaN)),
      byBackend: Object.fromEntries(Object.keys(runs[0]!.classes[k]!.byBackend).map((name) => [name, of((c) => c.byBackend[name] ?? 0)])),
    };
  });
  const backendCount = runs[0]?.backends.length ?? 0;
  const backends = Array.from({ length: backendCount }, (_, b): BackendSummary => {
    const of = (pick: (x: PlanRunResult['backends'][number]) => number) => acrossRuns(runs.map((r) => pick(r.backends[b]!)));
    const first = runs[0]!.backends[b]!;
    return {
      name: first.name,
      kind: first.kind,
      requests: { submitted: of((x) => x.submitted), completed: of((x) => x.completed), failed: of((x) => x.failed), inFlight: of((x) => x.inFlight) },
      replicas: first.figures.replicas,
      utilization: of((x) => x.figures.utilization),
      capacityUtilization: of((x) => x.figures.capacityUtilization),
      scaling: first.figures.scaling
        ? {
            scaleUps: of((x) => x.figures.scaling?.scaleUps ?? 0),
            scaleDowns: of((x) => x.figures.scaling?.scaleDowns ?? 0),
            stockouts: of((x) => x.figures.scaling?.stockouts ?? 0),
            meanReplicas: of((x) => x.figures.replicas),
          }
        : undefined,
      queueLength: of((x) => x.figures.queueLength),
      meanBatch: of((x) => x.figures.meanBatch),
      kvOccupancy: of((x) => x.figures.kvOccupancy),
      preemptions: of((x) => x.figures.preemptions),
      recomputedTokens: of((x) => x.figures.recomputedTokens),
      spotPreemptions: of((x) => x.figures.spotPreemptions),
      replicaFailures: of((x) => x.figures.replicaFailures),
      coldStarts: of((x) => x.figures.coldStarts),
      api: first.figures.api
        ? { calls: of((x) => x.figures.api?.calls ?? 0), rateLimited: of((x) => x.figures.api?.rateLimited ?? 0), errors: of((x) => x.figures.api?.errors ?? 0), retries: of((x) => x.figures.api?.retries ?? 0) }
        : undefined,
    };
  });
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
    failedBy: failuresAcross(runs, (r) => r.requests.failedBy),
    successRate: over((r) => r.successRate),
    sloAttainment: over((r) => r.sloAttainment),
    throughput: over((r) => r.throughput),
    cost: {
      total: over((r) => r.cost.total),
      perSuccessfulRequest: over((r) => (r.requests.succeeded > 0 ? r.cost.perSuccessfulRequest : NaN)),
      pooledPerSuccessfulRequest: pooledRatio(runs.map((r) => r.cost.total), runs.map((r) => r.requests.succeeded)),
      runsWithoutSuccess: runs.filter((r) => r.requests.succeeded === 0).length,
      perMonth: over((r) => r.cost.perMonth),
      perMillionOutputTokens: over((r) => r.cost.perMillionOutputTokens),
      paidUtilization: over((r) => r.cost.paidUtilization),
      items,
      itemsPerMonth,
      itemLabels,
      commitmentOwed: over((r) => r.commitmentOwed),
    },
    months: monthsSummary(runs),
    classes,
    backends,
    routing: routingSummary(runs),
    timeSeries: timeSeriesSummary(runs),
    perRun: runs.map((r) => ({
      seed: r.seed,
      costPerSuccessfulRequest: finiteOrNull(r.cost.perSuccessfulRequest),
      costPerMonth: r.cost.perMonth,
      costTotal: r.cost.total,
      successRate: finiteOrNull(r.successRate),
      sloAttainment: finiteOrNull(r.sloAttainment),
      arrived: r.requests.arrived,
      succeeded: r.requests.succeeded,
      failed: r.requests.failed,
      utilization: finiteOrNull(r.utilization),
      capacityUtilization: finiteOrNull(r.capacityUtilization),
      meanQueueWait: r.latency.queueWait.count > 0 ? r.latency.queueWait.sum / r.latency.queueWait.count : null,
      drawn: { ...r.uncertain },
    })),
    api: {
      calls: over((r) => r.api.calls),
      rateLimited: over((r) => r.api.rateLimited),
      errors: over((r) => r.api.errors),
      retries: over((r) => r.api.retries),
    },
    spotPreemptions: over((r) => r.spotPreemptions),
    replicaFailures: over((r) => r.replicaFailures),
    coldStarts: over((r) => r.coldStarts),
    skippedRows: over((r) => r.skippedRows),
    uncertain: Object.fromEntries(Object.keys(runs[0]?.uncertain ?? {}).map((path) => [path, over((r) => r.uncertain[path] ?? NaN)])),
    latency: {
      queueWait: pool.queueWait.summary(),
      e2e: pool.e2e.summary(),
      ttft: pool.ttft.summary(),
      tpot: pool.tpot.summary(),
    },
    meanQueueWait: over((r) => (r.latency.queueWait.count > 0 ? r.latency.queueWait.sum / r.latency.queueWait.count : NaN)),
    latencyQuantiles: { probabilities: CDF_PROBABILITIES, ttft: CDF_PROBABILITIES.map((p) => pool.ttft.quantile(p)), e2e: CDF_PROBABILITIES.map((p) => pool.e2e.quantile(p)) },
    outputTokensPerSecond: over((r) => r.outputTokensPerSecond),
    meanBatch: over((r) => r.meanBatch),
    kvOccupancy: over((r) => r.kvOccupancy),
    preemptions: over((r) => r.preemptions),
    recomputedTokens: over((r) => r.recomputedTokens),
    utilization: over((r) => r.utilization),
    capacityUtilization: over((r) => r.capacityUtilization),
    replicaUtilization: Array.from({ length: replicas }, (_, i) => acrossRuns(runs.map((r) => r.replicaUtilization[i]!)).mean),
    queueLength: over((r) => r.queueLength),
    inSystem: over((r) => r.inSystem),
  };
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Probabilities at which the report draws latency CDFs: every percent, and the tail. */
const CDF_PROBABILITIES = [...Array.from({ length: 99 }, (_, i) => (i + 1) / 100), 0.995, 0.999];

function monthsSummary(runs: readonly PlanRunResult[]): MonthSummary[] | undefined {
  const first = runs[0]?.months;
  if (!first) return undefined;
  return first.map((m, k) => {
    const of = (pick: (x: NonNullable<PlanRunResult['months']>[number]) => number) => acrossRuns(runs.map((r) => pick(r.months![k]!)));
    const ids = [...new Set(runs.flatMap((r) => r.months![k]!.cost.items.map((i) => i.id)))].sort();
    return {
      month: m.month,
      hours: m.hours,
      arrived: of((x) => x.arrived),
      succeeded: of((x) => x.succeeded),
      total: of((x) => x.cost.total),
      perSuccessfulRequest: pooledRatio(runs.map((r) => r.months![k]!.cost.total), runs.map((r) => r.months![k]!.succeeded)),
      items: Object.fromEntries(ids.map((id) => [id, acrossRuns(runs.map((r) => r.months![k]!.cost.items.filter((i) => i.id === id).reduce((a, i) => a + i.usd, 0))).mean])),
    };
  });
}

/** The fields of a run's time series that the summary's across-runs band needs from every run. */
export const BAND_FIELDS = ['replicas', 'costPerHour'] as const;

/** The run whose time series the summary shows: the one with the median cost per successful request (ties by seed). */
export function representativeRun(runs: readonly PlanRunResult[]): PlanRunResult | undefined {
  const withSeries = runs.filter((r) => r.timeSeries && r.timeSeries.time.length > 0);
  if (withSeries.length === 0) return undefined;
  const byCost = [...withSeries].sort((a, b) => a.cost.perSuccessfulRequest - b.cost.perSuccessfulRequest || a.seed - b.seed);
  return byCost[Math.floor((byCost.length - 1) / 2)]!;
}

function timeSeriesSummary(runs: readonly PlanRunResult[]): TimeSeriesSummary | undefined {
  const withSeries = runs.filter((r) => r.timeSeries && r.timeSeries.time.length > 0);
  const median = representativeRun(runs);
  if (!median) return undefined;
  const series = median.timeSeries!;
  const band = (field: string) =>
    series.time.map((_, i) => {
      const values = withSeries.map((r) => r.timeSeries!.fields[field]?.[i] ?? NaN).filter(Number.isFinite).sort((a, b) => a - b);
      const q = (p: number) => (values.length > 0 ? values[Math.min(values.length - 1, Math.floor(p * values.length))]! : NaN);
      return { p5: q(0.05), p50: q(0.5), p95: q(0.95) };
    });
  return { seed: median.seed, interval: series.interval, time: series.time, fields: series.fields, band: { replicas: band('replicas'), costPerHour: band('costPerHour') } };
}

function routingSummary(runs: readonly PlanRunResult[]): RoutingSummary | undefined {
  const first = runs[0]?.routing;
  if (!first) return undefined;
  const of = (pick: (r: NonNullable<PlanRunResult['routing']>) => number) => acrossRuns(runs.map((r) => pick(r.routing!)));
  return {
    byBackend: Object.fromEntries(Object.keys(first.byBackend).map((name) => [name, of((r) => r.byBackend[name] ?? 0)])),
    byRule: first.byRule.map((_, k) => of((r) => r.byRule[k] ?? 0)),
    overflows: of((r) => r.overflows),
    fallbacks: of((r) => r.fallbacks),
    escalations: of((r) => r.escalations),
    misroutes: of((r) => r.misroutes),
    classifierCalls: of((r) => r.classifierCalls),
  };
}

export interface SummaryOptions {
  /** Warnings to carry in the document (`--json` puts them there instead of on stderr). */
  readonly warnings?: readonly string[];
}

export function summarizeRuns(runs: ScenarioRuns, options: SummaryOptions = {}): RunSummary {
  const targets = workloadClasses(runs.scenario.workload).map((c) => c.target);
  // A run may cover some of the scenario's plans (a break-even search runs two): find each by name.
  const spec = (name: string) => runs.scenario.plans.find((p) => p.name === name)!;
  const plans = runs.plans.map((p) => summarizePlan(p.name, planKind(spec(p.name)), p.runs, targets, runs.pooled?.get(p.name)));
  return {
    capsim: { version: capsimVersion(), command: 'run' },
    scenario: scenarioForOutput(runs.scenario),
    prices: runs.costs,
    seeds: [...runs.seeds],
    warnings: [...(options.warnings ?? [])],
    plans,
    decision: decide(
      plans.map((p) => ({
        name: p.name,
        kind: p.kind,
        perSuccessfulRequest: p.cost.pooledPerSuccessfulRequest.value,
        classes: p.classes.map((c) => ({ name: c.name, achieved: c.successRate.mean, target: c.target })),
      })),
      runs.scenario.decision.friction,
    ),
    cheaperShare: cheaperShare(runs),
  };
}
