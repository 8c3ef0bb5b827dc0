/**
 * `capsim sweep`: every plan over the same seeds at every point of a grid of scenario
 * fields. Each point is summarized as soon as its cells are done (the figures `run`
 * reports, without the per-run lists and time series), so memory holds only the points in
 * progress; per-run scalars are kept for runs.csv.
 */
import { scenarioWarnings, summarizeRuns, type PlanSummary, type RunSummary, type RunTable, type ScenarioRuns } from '../experiment/index.js';
import type { Decision } from '../cost/index.js';
import { flattenFigures, toCsv, type CsvValue } from './csv.js';
import type { Param, Point } from './spec.js';
import { pointRecord, resultHeader, runPoints, type PointRunOptions, type ResultHeader, type Study } from './study.js';

/** A plan's figures at one point: what `run --json` gives per plan, less the per-run lists, time series and months. */
export type PointPlanFigures = Omit<PlanSummary, 'perRun' | 'timeSeries' | 'months' | 'replicaUtilization' | 'latencyQuantiles'>;

export interface SweepPoint {
  readonly values: Readonly<Record<string, string>>;
  readonly plans: readonly PointPlanFigures[];
  readonly decision: Decision;
  readonly cheaperShare: RunSummary['cheaperShare'];
}

/** One run of one plan at one point: the scalars runs.csv holds. */
export interface SweepRunRow {
  readonly values: Readonly<Record<string, string>>;
  readonly plan: string;
  readonly result: RunScalars;
}

export type RunScalars = Readonly<Record<string, number>>;

/** The header's prices are those with no point applied (a swept price shows in the points). */
export interface SweepSummary extends ResultHeader<'sweep'> {
  readonly params: readonly Param[];
  readonly seeds: readonly number[];
  readonly warnings: readonly string[];
  readonly points: readonly SweepPoint[];
}

export function pointFigures(plan: PlanSummary): PointPlanFigures {
  const { perRun: _perRun, timeSeries: _timeSeries, months: _months, replicaUtilization: _replicas, latencyQuantiles: _quantiles, ...figures } = plan;
  return figures;
}

/** The per-run figures a runs.csv row holds: row `row` (in seed order) of a plan's runs. */
export function runScalars(table: RunTable, row: number): RunScalars {
  const at = (path: string) => table.value(path, row);
  return {
    seed: at('seed'),
    arrived: at('requests.arrived'),
    succeeded: at('requests.succeeded'),
    late: at('requests.late'),
    failed: at('requests.failed'),
    inFlight: at('requests.inFlight'),
    successRate: at('successRate'),
    sloAttainment: at('sloAttainment'),
    costTotal: at('cost.total'),
    costPerSuccessfulRequest: at('cost.perSuccessfulRequest'),
    costPerMonth: at('cost.perMonth'),
    utilization: at('utilization'),
    capacityUtilization: at('capacityUtilization'),
    throughput: at('throughput'),
    ...Object.fromEntries(Object.keys(table.first?.uncertain ?? {}).map((path) => [`drawn.${path}`, at(`uncertain.${path}`)])),
  };
}

export function sweepPoint(point: Point, runs: ScenarioRuns): SweepPoint {
  const summary = summarizeRuns(runs);
  return { values: pointRecord(point), plans: summary.plans.map(pointFigures), decision: summary.decision, cheaperShare: summary.cheaperShare };
}

export interface SweepResult {
  readonly summary: SweepSummary;
  readonly runs: readonly SweepRunRow[];
}

export async function runSweep(study: Study, points: readonly Point[], options: PointRunOptions): Promise<SweepResult> {
  const results: SweepPoint[] = new Array(points.length);
  const rows: SweepRunRow[][] = new Array(points.length);
  await runPoints(study, points, options, (index, runs) => {
    results[index] = sweepPoint(points[index]!, runs);
    rows[index] = runs.plans.flatMap((p) => Array.from({ length: p.table.count }, (_, row) => ({ values: pointRecord(points[index]!), plan: p.name, result: runScalars(p.table, row) })));
  });
  return {
    summary: {
      ...resultHeader(study, 'sweep'),
      params: study.definition.params,
      seeds: [...study.seeds],
      warnings: scenarioWarnings(study.base),
      points: results,
    },
    runs: rows.flat(),
  };
}

/** sweep.csv: one row per point and plan with every figure and its interval. */
export function sweepCsv(summary: SweepSummary): string {
  const rows = summary.points.flatMap((point) =>
    point.plans.map((plan) => {
      const { name, ...figures } = plan;
      const row = new Map<string, CsvValue>([...Object.entries(point.values), ['plan', name], ['recommended', point.decision.recommended === name ? 'yes' : 'no']]);
      return flattenFigures(figures, '', row);
    }),
  );
  return toCsv(rows);
}

/** runs.csv: one row per point, plan and seed. */
export function runsCsv(rows: readonly SweepRunRow[]): string {
  return toCsv(rows.map((r) => new Map<string, CsvValue>([...Object.entries(r.values), ['plan', r.plan], ...Object.entries(r.result)])));
}
