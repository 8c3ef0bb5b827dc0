/**
 * The charts of a study's report (sweep, breakeven, size, commit), one function each, as
 * vega-lite specs built from the study's result. Pure.
 */
import type { BreakevenResult, CommitResult, SizeResult, SweepSummary } from '../study/index.js';
import { pageWideChart, type ReportChart } from './page.js';

/** The study charts are all one height. */
const studyChart = (spec: Record<string, unknown>) => pageWideChart(spec, 260);


/** Log scale for values spread over more than an order of magnitude, all positive. */
function xScale(values: readonly number[]): Record<string, unknown> {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo > 0 && hi / lo >= 20 ? { type: 'log' } : { zero: false };
}

/** A line per series with its 95% band, against a swept value; extra layers (marks) on top. */
function bandedLines(values: { x: number; series: string; y: number; lo: number; hi: number }[], x: string, y: string, yFormat: string, extra: unknown[] = [], yScale: Record<string, unknown> = {}): Record<string, unknown> {
  const scale = xScale(values.map((v) => v.x));
  // A log axis shows positive values only, and a band's lower edge is kept above zero.
  const log = yScale['type'] === 'log';
  const finite = values.filter((v) => Number.isFinite(v.y) && (!log || v.y > 0));
  const band = finite.filter((v) => Number.isFinite(v.lo) && Number.isFinite(v.hi)).map((v) => (log ? { ...v, lo: Math.max(v.lo, v.y / 100) } : v));
  return {
    layer: [
      { data: { values: band }, mark: { type: 'area', opacity: 0.18 }, encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'lo', type: 'quantitative', scale: yScale }, y2: { field: 'hi' }, color: { field: 'series', type: 'nominal', title: null } } },
      {
        data: { values: finite },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: x, scale },
          y: { field: 'y', type: 'quantitative', title: y, axis: { format: yFormat }, scale: yScale },
          color: { field: 'series', type: 'nominal', title: null },
          tooltip: [{ field: 'series', title: 'plan' }, { field: 'x', type: 'quantitative', title: x }, { field: 'y', type: 'quantitative', format: yFormat, title: y }, { field: 'lo', type: 'quantitative', format: yFormat, title: '95% CI from' }, { field: 'hi', type: 'quantitative', format: yFormat, title: 'to' }],
        },
      },
      ...extra,
    ],
  };
}

/** A vertical marker with a label. */
function marker(x: number, label: string, color: string): unknown[] {
  const values = [{ x, label }];
  return [
    { data: { values }, mark: { type: 'rule', color, strokeDash: [5, 3], strokeWidth: 2 }, encoding: { x: { field: 'x', type: 'quantitative' } } },
    { data: { values }, mark: { type: 'text', color, align: 'left', dx: 4, y: 10 }, encoding: { x: { field: 'x', type: 'quantitative' }, text: { field: 'label' } } },
  ];
}

/** For a sweep's first parameter: a series per plan (and per value of the other parameters). */
function sweepSeries(summary: SweepSummary, pick: (plan: SweepSummary['points'][number]['plans'][number]) => { y: number; lo: number; hi: number }) {
  const [first, ...rest] = summary.params.map((p) => p.path);
  return summary.points.flatMap((point) =>
    point.plans.map((plan) => ({
      x: Number(point.values[first!]),
      series: [plan.name, ...rest.map((path) => `${path}=${point.values[path]}`)].join(', '),
      ...pick(plan),
    })),
  );
}

export function sweepCharts(summary: SweepSummary): ReportChart[] {
  const first = summary.params[0]?.path;
  if (!first || !summary.points.every((p) => Number.isFinite(Number(p.values[first])))) return [];
  const cost = sweepSeries(summary, (p) => ({ y: p.cost.pooledPerSuccessfulRequest.value, lo: p.cost.pooledPerSuccessfulRequest.ci95[0], hi: p.cost.pooledPerSuccessfulRequest.ci95[1] }));
  const success = sweepSeries(summary, (p) => ({ y: p.successRate.mean, lo: p.successRate.ci95[0], hi: p.successRate.ci95[1] }));
  const capacity = sweepSeries(summary, (p) => ({ y: p.capacityUtilization.mean, lo: p.capacityUtilization.ci95[0], hi: p.capacityUtilization.ci95[1] })).filter((v) => Number.isFinite(v.y));
  const targets = [...new Set(summary.points.flatMap((p) => p.plans.flatMap((plan) => plan.classes.map((c) => c.target))).filter((t): t is number => t !== undefined))];
  const billed = summary.points.some((p) => p.plans.some((plan) => plan.cost.total.mean > 0));
  const charts: ReportChart[] = [];
  // An unpriced scenario (plain servers) has no cost to draw.
  if (billed) {
    charts.push({
      id: 'sweep-cost',
      title: `Cost per successful request against ${first}`,
      caption: 'Total cost over total successes across the runs at each value, with its 95% interval as a band. Where two lines cross, the plans cost the same. Log scale.',
      spec: studyChart(bandedLines(cost, first, 'USD per successful request', '$.4~f', [], { type: 'log' })),
    });
  }
  const targetRules = targets.map((t) => ({ data: { values: [{ t }] }, mark: { type: 'rule', color: '#c00', strokeDash: [4, 3] }, encoding: { y: { field: 't', type: 'quantitative' } } }));
  charts.push({
    id: 'sweep-success',
    title: `Requests that succeeded within the SLO, against ${first}`,
    caption: `Mean over runs, with its 95% interval.${targets.length > 0 ? ' The red line is the target.' : ''}`,
    spec: studyChart(bandedLines(success.map((v) => ({ ...v, lo: Math.max(0, v.lo), hi: Math.min(1, v.hi) })), first, 'succeeded', '.1%', targetRules, { domain: [0, 1] })),
  });
  if (capacity.length > 0) {
    charts.push({
      id: 'sweep-capacity',
      title: `Capacity used against ${first}`,
      caption: 'The share of what the self-hosted replicas could serve that they did serve: low values are paid-for idle GPUs (the utilization trap), values near 100% leave no headroom.',
      spec: studyChart(bandedLines(capacity, first, 'capacity used', '.0%')),
    });
  }
  return charts;
}

export function breakevenCharts(r: BreakevenResult): ReportChart[] {
  const [a, b] = r.plans;
  const marks = [
    ...(r.crossing.value !== null ? marker(r.crossing.value, `even at ${Number(r.crossing.value.toPrecision(4))}`, '#c00') : []),
    ...(r.frictionCrossing.value !== null ? marker(r.frictionCrossing.value, `friction ${r.friction}×: ${Number(r.frictionCrossing.value.toPrecision(4))}`, '#d08000') : []),
  ];
  const cost = r.points.flatMap((p) => p.plans.map((plan) => ({ x: p.value, series: plan.name, y: plan.perSuccessfulRequest.value, lo: plan.perSuccessfulRequest.ci95[0], hi: plan.perSuccessfulRequest.ci95[1] })));
  const difference = r.points.map((p) => ({ x: p.value, series: `${a} − ${b}`, y: p.difference.value, lo: p.difference.ci95[0], hi: p.difference.ci95[1] }));
  const zero = { data: { values: [{ y: 0 }] }, mark: { type: 'rule', color: '#333' }, encoding: { y: { field: 'y', type: 'quantitative' } } };
  // A difference crosses zero: a linear axis.
  const diff = bandedLines(difference, r.param, `USD per success, ${a} − ${b}`, '$.5~f', [zero, ...marks]);
  return [
    {
      id: 'breakeven-cost',
      title: `Cost per successful request against ${r.param}`,
      caption: `Each plan's pooled cost per successful request at every value tried, with its 95% interval as a band; the red line marks where they cost the same${r.frictionCrossing.value !== null ? ', the orange one where the friction rule flips' : ''}. Log scale.`,
      spec: studyChart(bandedLines(cost, r.param, 'USD per successful request', '$.4~f', marks, { type: 'log' })),
    },
    {
      id: 'breakeven-difference',
      title: `The paired difference, ${a} − ${b}`,
      caption: 'Run r of both plans saw the same traffic; the band is the jackknife 95% interval of the difference over the runs. The crossing\'s interval is where the band contains zero.',
      spec: studyChart(diff),
    },
  ];
}

export function sizeCharts(r: SizeResult): ReportChart[] {
  const marks = r.best ? marker(r.best.value, `cheapest meeting the targets: ${r.best.value}`, '#3a7d3a') : [];
  const cost = r.tried.map((t) => ({ x: t.value, series: r.plan, y: t.perSuccessfulRequest.value, lo: t.perSuccessfulRequest.ci95[0], hi: t.perSuccessfulRequest.ci95[1] }));
  const success = r.tried.map((t) => ({ x: t.value, series: r.plan, y: t.successRate.mean, lo: Math.max(0, t.successRate.ci95[0]), hi: Math.min(1, t.successRate.ci95[1]) }));
  return [
    { id: 'size-cost', title: `Cost per successful request against ${r.param}`, caption: 'Every value tried, with the 95% interval as a band; the green line is the answer.', spec: studyChart(bandedLines(cost, r.param, 'USD per successful request', '$.4~f', marks, { zero: false })) },
    { id: 'size-success', title: `Requests that succeeded within the SLO, against ${r.param}`, caption: 'Mean over runs with its 95% interval.', spec: studyChart(bandedLines(success, r.param, 'succeeded', '.2%', marks, { zero: false })) },
  ];
}

export function commitCharts(r: CommitResult): ReportChart[] {
  const values = r.levels.map((l) => l.value);
  // Half a level of room at both ends, so the first and last bars show whole.
  const domain = [Math.min(...values) - 0.5, Math.max(...values) + 0.5];
  const levels = r.levels.map((l) => ({ level: l.value, mean: l.monthlyCost.mean, p5: l.monthlyCost.p5, p50: l.monthlyCost.p50, p95: l.monthlyCost.p95, regret: l.regret.mean, regretP95: l.regret.p95 }));
  const marks = [
    ...(r.minExpected ? marker(r.minExpected.value, `lowest expected: ${r.minExpected.value}`, '#3a7d3a') : []),
    ...(r.minP95 ? marker(r.minP95.value, `lowest p95: ${r.minP95.value}`, '#d08000').map((m) => ({ ...(m as object), ...((m as { mark: { type: string } }).mark.type === 'text' ? { mark: { type: 'text', color: '#d08000', align: 'left', dx: 4, y: 26 } } : {}) })) : []),
  ];
  return [
    {
      id: 'commit-cost',
      title: `Monthly cost per level of ${r.param}`,
      caption: 'Across runs (each run one draw of the uncertain demand, the same at every level): the bar spans the 5th to 95th percentile, the tick is the median, the dot the mean. Green marks the level with the lowest expected cost, orange the one with the lowest 95th percentile.',
      spec: studyChart({
        data: { values: levels },
        layer: [
          { mark: { type: 'rule', strokeWidth: 8, opacity: 0.35, color: '#4c78a8' }, encoding: { x: { field: 'level', type: 'quantitative', title: r.param, axis: { tickMinStep: 1 }, scale: { domain } }, y: { field: 'p5', type: 'quantitative', title: 'USD per month', axis: { format: '$,.0f' }, scale: { zero: false } }, y2: { field: 'p95' } } },
          { mark: { type: 'tick', orient: 'horizontal', color: '#333' }, encoding: { x: { field: 'level', type: 'quantitative' }, y: { field: 'p50', type: 'quantitative' } } },
          { mark: { type: 'point', filled: true, size: 60, color: '#4c78a8' }, encoding: { x: { field: 'level', type: 'quantitative' }, y: { field: 'mean', type: 'quantitative' }, tooltip: [{ field: 'level' }, { field: 'mean', format: '$,.0f' }, { field: 'p5', format: '$,.0f' }, { field: 'p95', format: '$,.0f' }] } },
          ...marks,
        ],
      }),
    },
    {
      id: 'commit-regret',
      title: 'Regret per level',
      caption: 'What a level cost in a run minus what the best level for that run (in hindsight) cost: the mean over runs (line) and the 95th percentile (dashed).',
      spec: studyChart({
        data: { values: levels },
        transform: [{ fold: ['regret', 'regretP95'], as: ['statistic', 'usd'] }, { calculate: "datum.statistic === 'regret' ? 'mean' : '95th percentile'", as: 'statistic' }],
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'level', type: 'quantitative', title: r.param, axis: { tickMinStep: 1 }, scale: { domain } },
          y: { field: 'usd', type: 'quantitative', title: 'USD per month', axis: { format: '$,.0f' } },
          strokeDash: { field: 'statistic', type: 'nominal', title: null, scale: { domain: ['mean', '95th percentile'], range: [[1, 0], [5, 4]] } },
          tooltip: [{ field: 'level' }, { field: 'statistic' }, { field: 'usd', type: 'quantitative', format: '$,.0f' }],
        },
      }),
    },
  ];
}
