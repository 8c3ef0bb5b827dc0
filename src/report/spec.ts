/**
 * The charts of the HTML report, as vega-lite specs built from a run's summary and its
 * per-run results. Pure: data in, JSON specs out (html.ts puts them on a page).
 *
 * What the charts answer, in order: which plan costs least per successful request and how
 * sure we are (one dot per Monte Carlo run); where each plan's money goes (line items per
 * month); how fast each plan is (latency percentiles); how many requests succeed.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunSummary } from '../experiment/index.js';

export interface ReportChart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

const WIDTH = 560;

/** One row per (plan, run): what the per-run charts plot. */
export function perRunRows(summary: RunSummary): { plan: string; seed: number; costPerSuccess: number | null; costPerMonth: number; successRate: number | null }[] {
  return summary.plans.flatMap((p) =>
    p.perRun.map((r) => ({ plan: p.name, seed: r.seed, costPerSuccess: r.costPerSuccessfulRequest, costPerMonth: r.costPerMonth, successRate: r.successRate })),
  );
}

export function buildReportCharts(summary: RunSummary): ReportChart[] {
  const planOrder = summary.plans.map((p) => p.name);
  const rows = perRunRows(summary);
  const charts: ReportChart[] = [];
  const billed = summary.plans.some((p) => p.cost.total.mean > 0);

  if (billed) {
    charts.push({
      id: 'cost-per-success',
      title: 'Cost per successful request',
      caption: 'One dot per Monte Carlo run; the bar is the mean. Lower is better. Log scale.',
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: WIDTH,
        data: { values: rows.filter((r) => r.costPerSuccess !== null && r.costPerSuccess > 0) },
        encoding: { y: { field: 'plan', type: 'nominal', sort: planOrder, title: null } },
        layer: [
          {
            mark: { type: 'tick', thickness: 3, color: '#333' },
            encoding: { x: { aggregate: 'mean', field: 'costPerSuccess', type: 'quantitative', scale: { type: 'log' }, title: 'USD per successful request' } },
          },
          {
            mark: { type: 'circle', opacity: 0.5, size: 40 },
            encoding: {
              x: { field: 'costPerSuccess', type: 'quantitative', scale: { type: 'log' } },
              color: { field: 'plan', type: 'nominal', sort: planOrder, legend: null },
              tooltip: [
                { field: 'plan', type: 'nominal' },
                { field: 'seed', type: 'quantitative' },
                { field: 'costPerSuccess', type: 'quantitative', format: '$.5f', title: 'USD per success' },
              ],
            },
          },
        ],
      },
    });

    const items = summary.plans.flatMap((p) => Object.entries(p.cost.itemsPerMonth).map(([id, usd]) => ({ plan: p.name, item: p.cost.itemLabels[id] ?? id, usd })));
    charts.push({
      id: 'cost-breakdown',
      title: 'Where the money goes, per 730-hour month',
      caption: 'Mean over runs of each line item: GPU hours by pool, API tokens by kind, managed GPU-seconds and overhead.',
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: WIDTH,
        data: { values: items },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'plan', type: 'nominal', sort: planOrder, title: null },
          x: { field: 'usd', type: 'quantitative', aggregate: 'sum', title: 'USD per month', axis: { format: '$,.0f' } },
          color: { field: 'item', type: 'nominal', title: 'line item' },
          tooltip: [
            { field: 'plan', type: 'nominal' },
            { field: 'item', type: 'nominal' },
            { field: 'usd', type: 'quantitative', format: '$,.2f', title: 'USD per month' },
          ],
        },
      },
    });
  }

  const latency = summary.plans.flatMap((p) =>
    (['queueWait', 'ttft', 'e2e'] as const).flatMap((metric) =>
      (['p50', 'p90', 'p99'] as const)
        .map((q) => ({ plan: p.name, metric: metric === 'queueWait' ? 'queue wait' : metric === 'ttft' ? 'time to first token' : 'end to end', quantile: q, seconds: p.latency[metric][q] }))
        .filter((row) => Number.isFinite(row.seconds) && row.seconds > 0),
    ),
  );
  charts.push({
    id: 'latency',
    title: 'Latency percentiles',
    caption: 'Pooled over all runs (seconds, log scale). Queue wait: from arrival to admission; time to first token and end to end include it.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: latency },
      facet: { row: { field: 'metric', type: 'nominal', title: null, sort: ['queue wait', 'time to first token', 'end to end'] } },
      spec: {
        width: WIDTH,
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          y: { field: 'plan', type: 'nominal', sort: planOrder, title: null },
          x: { field: 'seconds', type: 'quantitative', scale: { type: 'log' }, title: 'seconds' },
          shape: { field: 'quantile', type: 'nominal', sort: ['p50', 'p90', 'p99'] },
          color: { field: 'quantile', type: 'nominal', sort: ['p50', 'p90', 'p99'] },
          tooltip: [
            { field: 'plan', type: 'nominal' },
            { field: 'metric', type: 'nominal' },
            { field: 'quantile', type: 'nominal' },
            { field: 'seconds', type: 'quantitative', format: '.3f' },
          ],
        },
      },
      resolve: { scale: { x: 'independent' } },
    },
  });

  charts.push({
    id: 'success',
    title: 'Requests that succeeded (within the SLO)',
    caption: 'Share of arrived requests that completed without error and within their SLO; one dot per run.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: WIDTH,
      data: { values: rows.filter((r) => r.successRate !== null) },
      mark: { type: 'circle', opacity: 0.6, size: 40 },
      encoding: {
        y: { field: 'plan', type: 'nominal', sort: planOrder, title: null },
        x: { field: 'successRate', type: 'quantitative', title: 'success rate', axis: { format: '%' }, scale: { zero: false } },
        color: { field: 'plan', type: 'nominal', sort: planOrder, legend: null },
        tooltip: [
          { field: 'plan', type: 'nominal' },
          { field: 'seed', type: 'quantitative' },
          { field: 'successRate', type: 'quantitative', format: '.2%' },
        ],
      },
    },
  });
  return charts;
}
