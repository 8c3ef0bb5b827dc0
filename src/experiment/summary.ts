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
import type { PlanResults, ScenarioRuns } from './run-scenario.js';
import { ITEM_MARK, type RunTable } from './run-table.js';
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
  const costs = new Map(runs.plans.map((p) => [p.name, p.table.values('cost.perSuccessfulRequest')]));
  const out: Record<string, Record<string, number>> = {};
  for (const a of runs.plans) {
    const row: Record<string, number> = {};
    const mine = costs.get(a.name)!;
    for (const b of runs.plans) {
      if (a === b) continue;
      const theirs = costs.get(b.name)!;
      let wins = 0;
      mine.forEach((cost, i) => {
        if (cost < theirs[i]!) wins++;
      });
      row[b.name] = mine.length > 0 ? wins / mine.length : NaN;
    }
    out[a.name] = row;
  }
  return out;
}

/** Each run's `f` of two figures, in seed order. */
function zip(a: readonly number[], b: readonly number[], f: (x: number, y: number) => number): number[] {
  return a.map((x, i) => f(x, b[i]!));
}

/** Numerator over denominator where the denominator is above zero, else NaN (a figure the run could not measure). */
const ratioWhere = (num: number, den: number): number => (den > 0 ? num / den : NaN);

export function summarizePlan(name: string, kind: PlanKind, results: PlanResults, targets: readonly (number | undefined)[] = []): PlanSummary {
  const { table, pooled: pool } = results;
  pool.settleSums(table);
  const first = table.first;
  const col = (path: string, missing?: number) => table.values(path, missing);
  const over = (path: string, missing?: number) => acrossRuns(col(path, missing));
  const failures = (prefix: string) => Object.fromEntries(FAILURE_REASONS.map((reason) => [reason, over(`${prefix}.${reason}`)])) as Record<FailureReason, AcrossRuns>;
  const costTotal = col('cost.total');
  const succeeded = col('requests.succeeded');
  const itemLabels = table.itemLabels();
  const items: Record<string, AcrossRuns> = {};
  const itemsPerMonth: Record<string, number> = {};
  const perMonth = col('cost.perMonth');
  for (const id of table.itemIds('cost.items')) {
    const usd = col(`cost.items${ITEM_MARK}${id}`, 0);
    items[id] = acrossRuns(usd);
    itemsPerMonth[id] = acrossRuns(usd.map((x, i) => (x * perMonth[i]!) / (costTotal[i]! || 1))).mean;
  }
  const classes = (first?.classes ?? []).map((c, k): ClassSummary => {
    const at = `classes.${k}`;
    const arrived = col(`${at}.arrived`);
    const costUsd = col(`${at}.costUsd`);
    return {
      name: c.name,
      requests: { arrived: acrossRuns(arrived), succeeded: over(`${at}.succeeded`), late: over(`${at}.late`), failed: over(`${at}.failed`) },
      failedBy: failures(`${at}.failedBy`),
      successRate: acrossRuns(zip(col(`${at}.succeeded`), arrived, ratioWhere)),
      target: targets[k],
      latency: { e2e: pool.classes[k]?.e2e.summary() ?? new LogHistogram().summary(), ttft: pool.classes[k]?.ttft.summary() ?? new LogHistogram().summary() },
      costShare: acrossRuns(zip(costUsd, costTotal, ratioWhere)),
      costPerSuccessfulRequest: acrossRuns(zip(costUsd, col(`${at}.succeeded`), ratioWhere)),
      byBackend: Object.fromEntries(Object.keys(c.byBackend).map((backend) => [backend, over(`${at}.byBackend.${backend}`, 0)])),
    };
  });
  const backends = (first?.backends ?? []).map((x, b): BackendSummary => {
    const at = `backends.${b}`;
    const figure = (path: string, missing?: number) => over(`${at}.figures.${path}`, missing);
    return {
      name: x.name,
      kind: x.kind,
      requests: { submitted: over(`${at}.submitted`), completed: over(`${at}.completed`), failed: over(`${at}.failed`), inFlight: over(`${at}.inFlight`) },
      replicas: x.figures.replicas,
      utilization: figure('utilization'),
      capacityUtilization: figure('capacityUtilization'),
      scaling: x.figures.scaling
        ? { scaleUps: figure('scaling.scaleUps', 0), scaleDowns: figure('scaling.scaleDowns', 0), stockouts: figure('scaling.stockouts', 0), meanReplicas: figure('replicas') }
        : undefined,
      queueLength: figure('queueLength'),
      meanBatch: figure('meanBatch'),
      kvOccupancy: figure('kvOccupancy'),
      preemptions: figure('preemptions'),
      recomputedTokens: figure('recomputedTokens'),
      spotPreemptions: figure('spotPreemptions'),
      replicaFailures: figure('replicaFailures'),
      coldStarts: figure('coldStarts'),
      api: x.figures.api ? { calls: figure('api.calls', 0), rateLimited: figure('api.rateLimited', 0), errors: figure('api.errors', 0), retries: figure('api.retries', 0) } : undefined,
    };
  });
  const queueWaitCount = col('latency.queueWait.count');
  const meanQueueWait = zip(col('latency.queueWait.sum'), queueWaitCount, ratioWhere);
  const uncertainPaths = Object.keys(first?.uncertain ?? {});
  const perRunCost = col('cost.perSuccessfulRequest');
  const seeds = col('seed');
  const successRate = col('successRate');
  const sloAttainment = col('sloAttainment');
  const arrived = col('requests.arrived');
  const failed = col('requests.failed');
  const utilization = col('utilization');
  const capacityUtilization = col('capacityUtilization');
  const drawn = uncertainPaths.map((path) => col(`uncertain.${path}`));
  return {
    name,
    kind,
    runs: table.count,
    requests: {
      arrived: acrossRuns(arrived),
      succeeded: acrossRuns(succeeded),
      late: over('requests.late'),
      failed: acrossRuns(failed),
      inFlight: over('requests.inFlight'),
    },
    failedBy: failures('requests.failedBy'),
    successRate: acrossRuns(successRate),
    sloAttainment: acrossRuns(sloAttainment),
    throughput: over('throughput'),
    cost: {
      total: acrossRuns(costTotal),
      perSuccessfulRequest: acrossRuns(zip(perRunCost, succeeded, (cost, n) => (n > 0 ? cost : NaN))),
      pooledPerSuccessfulRequest: pooledRatio(costTotal, succeeded),
      runsWithoutSuccess: succeeded.filter((n) => n === 0).length,
      perMonth: acrossRuns(perMonth),
      perMillionOutputTokens: over('cost.perMillionOutputTokens'),
      paidUtilization: over('cost.paidUtilization'),
      items,
      itemsPerMonth,
      itemLabels,
      commitmentOwed: over('commitmentOwed'),
    },
    months: monthsSummary(table),
    classes,
    backends,
    routing: routingSummary(table),
    timeSeries: timeSeriesSummary(results),
    perRun: seeds.map((seed, i) => ({
      seed,
      costPerSuccessfulRequest: finiteOrNull(perRunCost[i]!),
      costPerMonth: perMonth[i]!,
      costTotal: costTotal[i]!,
      successRate: finiteOrNull(successRate[i]!),
      sloAttainment: finiteOrNull(sloAttainment[i]!),
      arrived: arrived[i]!,
      succeeded: succeeded[i]!,
      failed: failed[i]!,
      utilization: finiteOrNull(utilization[i]!),
      capacityUtilization: finiteOrNull(capacityUtilization[i]!),
      meanQueueWait: queueWaitCount[i]! > 0 ? meanQueueWait[i]! : null,
      drawn: Object.fromEntries(uncertainPaths.map((path, k) => [path, drawn[k]![i]!])),
    })),
    api: { calls: over('api.calls'), rateLimited: over('api.rateLimited'), errors: over('api.errors'), retries: over('api.retries') },
    spotPreemptions: over('spotPreemptions'),
    replicaFailures: over('replicaFailures'),
    coldStarts: over('coldStarts'),
    skippedRows: over('skippedRows'),
    uncertain: Object.fromEntries(uncertainPaths.map((path, k) => [path, acrossRuns(drawn[k]!)])),
    latency: {
      queueWait: pool.queueWait.summary(),
      e2e: pool.e2e.summary(),
      ttft: pool.ttft.summary(),
      tpot: pool.tpot.summary(),
    },
    meanQueueWait: acrossRuns(meanQueueWait),
    latencyQuantiles: { probabilities: CDF_PROBABILITIES, ttft: CDF_PROBABILITIES.map((p) => pool.ttft.quantile(p)), e2e: CDF_PROBABILITIES.map((p) => pool.e2e.quantile(p)) },
    outputTokensPerSecond: over('outputTokensPerSecond'),
    meanBatch: over('meanBatch'),
    kvOccupancy: over('kvOccupancy'),
    preemptions: over('preemptions'),
    recomputedTokens: over('recomputedTokens'),
    utilization: acrossRuns(utilization),
    capacityUtilization: acrossRuns(capacityUtilization),
    replicaUtilization: (first?.replicaUtilization ?? []).map((_, i) => over(`replicaUtilization.${i}`).mean),
    queueLength: over('queueLength'),
    inSystem: over('inSystem'),
  };
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Probabilities at which the report draws latency CDFs: every percent, and the tail. */
const CDF_PROBABILITIES = [...Array.from({ length: 99 }, (_, i) => (i + 1) / 100), 0.995, 0.999];

function monthsSummary(table: RunTable): MonthSummary[] | undefined {
  return table.first?.months?.map((m, k) => {
    const at = `months.${k}`;
    return {
      month: m.month,
      hours: m.hours,
      arrived: acrossRuns(table.values(`${at}.arrived`)),
      succeeded: acrossRuns(table.values(`${at}.succeeded`)),
      total: acrossRuns(table.values(`${at}.cost.total`)),
      perSuccessfulRequest: pooledRatio(table.values(`${at}.cost.total`), table.values(`${at}.succeeded`)),
      items: Object.fromEntries(table.itemIds(`${at}.cost.items`).map((id) => [id, acrossRuns(table.values(`${at}.cost.items${ITEM_MARK}${id}`, 0)).mean])),
    };
  });
}

function timeSeriesSummary(results: PlanResults): TimeSeriesSummary | undefined {
  const { table, series } = results;
  const median = table.representative();
  if (median === undefined || !series) return undefined;
  const points = table.values('timeSeries.points');
  const withSeries = points.flatMap((n, row) => (n > 0 ? [row] : []));
  const band = (field: string) =>
    series.time.map((_, i) => {
      const column = table.values(`timeSeries.fields.${field}.${i}`);
      const values = withSeries.map((row) => column[row]!).filter(Number.isFinite).sort((a, b) => a - b);
      const q = (p: number) => (values.length > 0 ? values[Math.min(values.length - 1, Math.floor(p * values.length))]! : NaN);
      return { p5: q(0.05), p50: q(0.5), p95: q(0.95) };
    });
  return { seed: table.value('seed', median), interval: series.interval, time: series.time, fields: series.fields, band: { replicas: band('replicas'), costPerHour: band('costPerHour') } };
}

function routingSummary(table: RunTable): RoutingSummary | undefined {
  const first = table.first?.routing;
  if (!first) return undefined;
  const of = (path: string) => acrossRuns(table.values(`routing.${path}`, 0));
  return {
    byBackend: Object.fromEntries(Object.keys(first.byBackend).map((name) => [name, of(`byBackend.${name}`)])),
    byRule: first.byRule.map((_, k) => of(`byRule.${k}`)),
    overflows: of('overflows'),
    fallbacks: of('fallbacks'),
    escalations: of('escalations'),
    misroutes: of('misroutes'),
    classifierCalls: of('classifierCalls'),
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
  const plans = runs.plans.map((p) => summarizePlan(p.name, planKind(spec(p.name)), p, targets));
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
