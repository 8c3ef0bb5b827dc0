/**
 * The charts of a run's report, one function each, as vega-lite specs built from the run's
 * summary. Pure: data in, JSON specs out (run-report.ts puts them on a page). Every chart
 * fills the width of the page (800 px to 1,400 px) and keeps its legend below.
 */
import type { PlanSummary, RunSummary } from '../experiment/index.js';
import { makeSampler, openStream } from '../random/index.js';
import { workloadClasses } from '../workload/index.js';
import { pageWideChart, type ReportChart } from './page.js';

/** Height per plan of the charts with a row per plan. */
const ROW = 34;


const planOrder = (summary: RunSummary) => summary.plans.map((p) => p.name);

/** Plans keep their color across every chart, whichever plans a chart shows. */
function planColor(summary: RunSummary, legend = true): Record<string, unknown> {
  const order = planOrder(summary);
  return { field: 'plan', type: 'nominal', sort: order, scale: { domain: order }, ...(legend ? { title: null } : { legend: null }) };
}
const hasFleet = (p: PlanSummary) => Number.isFinite(p.capacityUtilization.mean);

/** One row per (plan, run): what the per-run charts plot. */
export function perRunRows(summary: RunSummary): { plan: string; seed: number; costPerSuccess: number | null; costPerMonth: number; successRate: number | null; capacityUtilization: number | null }[] {
  return summary.plans.flatMap((p) =>
    p.perRun.map((r) => ({ plan: p.name, seed: r.seed, costPerSuccess: r.costPerSuccessfulRequest, costPerMonth: r.costPerMonth, successRate: r.successRate, capacityUtilization: r.capacityUtilization })),
  );
}

/** Cost per successful request across runs: a box per plan with its runs as dots; a plan with no success says so in its row. */
export function costPerSuccessChart(summary: RunSummary): ReportChart {
  const rows = perRunRows(summary).filter((r) => r.costPerSuccess !== null && r.costPerSuccess > 0);
  const none = summary.plans.filter((p) => !rows.some((r) => r.plan === p.name)).map((p) => ({ plan: p.name, note: p.cost.total.mean > 0 ? 'no successful request' : 'bills nothing' }));
  const lowest = rows.reduce((m, r) => Math.min(m, r.costPerSuccess!), Infinity);
  const order = planOrder(summary);
  return {
    id: 'cost-per-success',
    title: 'Cost per successful request',
    caption: 'Across the Monte Carlo runs: the box spans the middle half of the runs, the whiskers all of them, one dot per run. Lower is better. Log scale.',
    spec: pageWideChart(
      {
        layer: [
          { data: { values: rows }, mark: { type: 'boxplot', extent: 'min-max', opacity: 0.5 }, encoding: { y: { field: 'plan', type: 'nominal', sort: order, title: null }, x: { field: 'costPerSuccess', type: 'quantitative', scale: { type: 'log' }, title: 'USD per successful request' }, color: planColor(summary, false) } },
          {
            data: { values: rows },
            mark: { type: 'circle', opacity: 0.7, size: 30, color: '#333' },
            encoding: {
              y: { field: 'plan', type: 'nominal', sort: order },
              x: { field: 'costPerSuccess', type: 'quantitative', scale: { type: 'log' } },
              tooltip: [{ field: 'plan' }, { field: 'seed' }, { field: 'costPerSuccess', type: 'quantitative', format: '$.6f', title: 'USD per success' }],
            },
          },
          ...(none.length > 0 && Number.isFinite(lowest)
            ? [{ data: { values: none }, mark: { type: 'text', align: 'left', fontStyle: 'italic', color: '#a33' }, encoding: { y: { field: 'plan', type: 'nominal', sort: order }, x: { datum: lowest }, text: { field: 'note' } } }]
            : []),
        ],
      },
      ROW * summary.plans.length,
    ),
  };
}

/** The monthly bill by line item, with the items' labels. */
export function billChart(summary: RunSummary): ReportChart {
  const items = summary.plans.flatMap((p) => Object.entries(p.cost.itemsPerMonth).map(([id, usd]) => ({ plan: p.name, item: p.cost.itemLabels[id] ?? id, usd })));
  return {
    id: 'cost-breakdown',
    title: 'Where the money goes, per 730-hour month',
    caption: 'Mean over runs of each line item: GPU hours by pool, API tokens by kind, managed GPU-seconds and overhead.',
    spec: pageWideChart(
      {
        data: { values: items },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'plan', type: 'nominal', sort: planOrder(summary), title: null },
          x: { field: 'usd', type: 'quantitative', aggregate: 'sum', title: 'USD per month', axis: { format: '$,.0f' } },
          color: { field: 'item', type: 'nominal', title: 'line item' },
          tooltip: [{ field: 'plan' }, { field: 'item' }, { field: 'usd', type: 'quantitative', format: '$,.2f', title: 'USD per month' }],
        },
      },
      ROW * summary.plans.length,
    ),
  };
}

/** A year at the simulated rate, and what reservations still owe after the window. */
export function annualChart(summary: RunSummary): ReportChart {
  const values = summary.plans.flatMap((p) => [
    { plan: p.name, what: 'a year at this rate (12 × the monthly cost)', usd: 12 * p.cost.perMonth.mean },
    ...(p.cost.commitmentOwed.mean > 0 ? [{ plan: p.name, what: 'still owed on reservations after the window', usd: p.cost.commitmentOwed.mean }] : []),
  ]);
  return {
    id: 'annual',
    title: 'A year of it, and commitments owed',
    caption: 'Twelve months at the simulated monthly cost (mean over runs), and for reserved GPUs the rest of the term that is owed whether used or not.',
    spec: pageWideChart(
      {
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'plan', type: 'nominal', sort: planOrder(summary), title: null },
          yOffset: { field: 'what' },
          x: { field: 'usd', type: 'quantitative', title: 'USD', axis: { format: '$,.0f' } },
          color: { field: 'what', type: 'nominal', title: null },
          tooltip: [{ field: 'plan' }, { field: 'what' }, { field: 'usd', type: 'quantitative', format: '$,.0f' }],
        },
      },
      ROW * 1.4 * summary.plans.length,
    ),
  };
}

/** The latency limits the workload's classes set on a metric (distinct values). */
function sloLimits(summary: RunSummary, metric: 'ttft' | 'e2e'): number[] {
  return [...new Set(workloadClasses(summary.scenario.workload).map((c) => c.slo[metric]).filter((x): x is number => x !== undefined))];
}

/** The distribution of a latency pooled over runs, per plan, with the SLO limit marked. */
export function latencyCdfChart(summary: RunSummary, metric: 'ttft' | 'e2e'): ReportChart | undefined {
  const values = summary.plans.flatMap((p) =>
    p.latencyQuantiles.probabilities.map((share, i) => ({ plan: p.name, seconds: p.latencyQuantiles[metric][i]!, share })).filter((v) => Number.isFinite(v.seconds) && v.seconds > 0),
  );
  if (values.length === 0) return undefined;
  const limits = sloLimits(summary, metric).map((seconds) => ({ seconds, label: `SLO ${seconds} s` }));
  const name = metric === 'ttft' ? 'Time to first token' : 'End-to-end latency';
  return {
    id: `cdf-${metric}`,
    title: name,
    caption: `The share of completed requests (pooled over all runs) whose ${metric === 'ttft' ? 'first token came' : 'response finished'} within each time; log scale. ${limits.length > 0 ? 'The red line is the SLO limit.' : 'The workload sets no limit on it.'}`,
    spec: pageWideChart(
      {
        layer: [
          {
            data: { values },
            mark: { type: 'line', interpolate: 'step-after' },
            encoding: {
              x: { field: 'seconds', type: 'quantitative', scale: { type: 'log' }, title: 'seconds' },
              y: { field: 'share', type: 'quantitative', title: 'share of requests', axis: { format: '%' }, scale: { domain: [0, 1] } },
              color: planColor(summary),
              tooltip: [{ field: 'plan' }, { field: 'share', type: 'quantitative', format: '.1%' }, { field: 'seconds', type: 'quantitative', format: '.3f' }],
            },
          },
          ...(limits.length > 0
            ? [
                { data: { values: limits }, mark: { type: 'rule', color: '#c00', strokeDash: [4, 3] }, encoding: { x: { field: 'seconds', type: 'quantitative' } } },
                { data: { values: limits }, mark: { type: 'text', color: '#c00', align: 'left', dx: 4, y: 8 }, encoding: { x: { field: 'seconds', type: 'quantitative' }, text: { field: 'label' } } },
              ]
            : []),
        ],
      },
      220,
    ),
  };
}

/** The lowest share the success axis shows: at least ten points of percentage, so noise looks like noise. */
export function successAxisFloor(rates: readonly number[], targets: readonly number[]): number {
  const lowest = Math.min(...rates, ...targets, 1);
  return Math.max(0, Math.min(0.9, Math.floor((lowest - 0.02) * 20) / 20));
}

/** Success rate per run, on an axis of at least ten percentage points, with the target marked. */
export function successChart(summary: RunSummary): ReportChart {
  const rows = perRunRows(summary).filter((r) => r.successRate !== null);
  const targets = [...new Set(summary.plans.flatMap((p) => p.classes.map((c) => c.target)).filter((t): t is number => t !== undefined))];
  const floor = successAxisFloor(rows.map((r) => r.successRate!), targets);
  const order = planOrder(summary);
  return {
    id: 'success',
    title: 'Requests that succeeded within the SLO',
    caption: `Share of arrived requests that completed without error and within their SLO; one dot per run, the bar is the mean. The axis starts at ${Math.round(floor * 100)}% so that noise between runs does not look like a difference.${targets.length > 0 ? ' The red line is the target.' : ''}`,
    spec: pageWideChart(
      {
        layer: [
          {
            data: { values: rows },
            mark: { type: 'circle', opacity: 0.6, size: 40, clip: true },
            encoding: {
              y: { field: 'plan', type: 'nominal', sort: order, title: null },
              x: { field: 'successRate', type: 'quantitative', title: 'success rate', axis: { format: '%' }, scale: { domain: [floor, 1] } },
              color: planColor(summary, false),
              tooltip: [{ field: 'plan' }, { field: 'seed' }, { field: 'successRate', type: 'quantitative', format: '.3%' }],
            },
          },
          { data: { values: rows }, mark: { type: 'tick', thickness: 3, color: '#333', clip: true }, encoding: { y: { field: 'plan', type: 'nominal', sort: order }, x: { aggregate: 'mean', field: 'successRate', type: 'quantitative' } } },
          ...targets.map((t) => ({ data: { values: [{ t }] }, mark: { type: 'rule', color: '#c00', strokeDash: [4, 3] }, encoding: { x: { field: 't', type: 'quantitative' } } })),
        ],
      },
      ROW * summary.plans.length,
    ),
  };
}

/** Per class and plan: the share that succeeded within its SLO, against its target. */
export function classChart(summary: RunSummary): ReportChart | undefined {
  const classes = summary.plans[0]?.classes ?? [];
  if (classes.length < 2) return undefined;
  const values = summary.plans.flatMap((p) => p.classes.map((c) => ({ plan: p.name, class: c.name, rate: c.successRate.mean, target: c.target ?? null })));
  const floor = successAxisFloor(values.map((v) => v.rate).filter(Number.isFinite), values.map((v) => v.target).filter((t): t is number => t !== null));
  return {
    id: 'classes',
    title: 'Per request class',
    caption: 'Mean over runs of the share of each class that succeeded within its SLO; the red tick is the class\'s target.',
    spec: pageWideChart(
      {
        data: { values },
        encoding: { y: { field: 'plan', type: 'nominal', sort: planOrder(summary), title: null }, yOffset: { field: 'class' } },
        layer: [
          {
            mark: { type: 'point', filled: true, size: 70, clip: true },
            encoding: {
              x: { field: 'rate', type: 'quantitative', title: 'succeeded within the SLO', axis: { format: '%' }, scale: { domain: [floor, 1] } },
              color: { field: 'class', type: 'nominal', title: 'class' },
              tooltip: [{ field: 'plan' }, { field: 'class' }, { field: 'rate', type: 'quantitative', format: '.2%' }, { field: 'target', type: 'quantitative', format: '.1%' }],
            },
          },
          { transform: [{ filter: 'datum.target !== null' }], mark: { type: 'tick', color: '#c00', clip: true }, encoding: { x: { field: 'target', type: 'quantitative' } } },
        ],
      },
      ROW * 1.5 * summary.plans.length,
    ),
  };
}

/** Time series of the representative run (median cost per success) of each plan, for one field. */
function seriesRows(summary: RunSummary, field: string, plans: readonly PlanSummary[]): { plan: string; hours: number; value: number }[] {
  return plans.flatMap((p) => {
    const ts = p.timeSeries;
    const column = ts?.fields[field];
    if (!ts || !column) return [];
    return ts.time.map((t, i) => ({ plan: p.name, hours: t / 3600, value: column[i]! })).filter((v) => Number.isFinite(v.value));
  });
}

/** Over time: arrivals, replicas (with the across-runs band), queue and busy time of the representative runs. */
export function timeCharts(summary: RunSummary): ReportChart[] {
  const fleets = summary.plans.filter((p) => p.timeSeries && hasFleet(p));
  const charts: ReportChart[] = [];
  const first = summary.plans.find((p) => p.timeSeries);
  if (!first?.timeSeries) return charts;
  const line = (id: string, title: string, caption: string, field: string, plans: readonly PlanSummary[], axis: string, format = '', extra: unknown[] = [], legend = true): ReportChart | undefined => {
    const values = seriesRows(summary, field, plans);
    if (values.length === 0) return undefined;
    return {
      id,
      title,
      caption,
      spec: pageWideChart(
        {
          layer: [
            ...extra,
            {
              data: { values },
              mark: { type: 'line', interpolate: 'step-after' },
              encoding: {
                x: { field: 'hours', type: 'quantitative', title: 'hours into the run' },
                y: { field: 'value', type: 'quantitative', title: axis, ...(format ? { axis: { format } } : {}) },
                color: planColor(summary, legend),
                tooltip: [{ field: 'plan' }, { field: 'hours', type: 'quantitative', format: '.2f' }, { field: 'value', type: 'quantitative', format: '.3~f' }],
              },
            },
          ],
        },
        200,
      ),
    };
  };
  const arrivals = line('time-arrivals', 'Traffic over time', `Arrivals per second, averaged over ${first.timeSeries.interval} s, in the representative run (the one with the median cost per successful request); every plan saw the same traffic.`, 'arrivalsPerSecond', [first], 'requests per second', '', [], false);
  if (arrivals) charts.push(arrivals);
  if (fleets.length > 0) {
    const band = fleets.flatMap((p) => p.timeSeries!.band.replicas.map((b, i) => ({ plan: p.name, hours: p.timeSeries!.time[i]! / 3600, p5: b.p5, p95: b.p95 })));
    const bandLayer = { data: { values: band }, mark: { type: 'area', opacity: 0.15, interpolate: 'step-after' }, encoding: { x: { field: 'hours', type: 'quantitative' }, y: { field: 'p5', type: 'quantitative' }, y2: { field: 'p95' }, color: planColor(summary) } };
    // Replicas still provisioning (billed, not serving) as a dashed line beside those serving.
    const provisioning = seriesRows(summary, 'provisioning', fleets.filter((p) => (p.timeSeries!.fields['provisioning'] ?? []).some((v) => v > 0)));
    const provisioningLayer = {
      data: { values: provisioning },
      mark: { type: 'line', interpolate: 'step-after', strokeDash: [4, 3] },
      encoding: { x: { field: 'hours', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' }, color: planColor(summary), tooltip: [{ field: 'plan' }, { field: 'hours', type: 'quantitative', format: '.2f' }, { field: 'value', type: 'quantitative', format: '.3~f', title: 'provisioning' }] },
    };
    const replicas = line(
      'time-replicas',
      'Replicas over time',
      `Replicas up and serving in the representative run (solid); the shaded band spans the 5th to 95th percentile across runs.${provisioning.length > 0 ? ' Dashed: replicas provisioning, billed but not yet serving.' : ''}`,
      'replicas',
      fleets,
      'replicas',
      '',
      provisioning.length > 0 ? [bandLayer, provisioningLayer] : [bandLayer],
    );
    if (replicas) charts.push(replicas);
    const queue = line('time-queue', 'Requests waiting over time', 'Requests queued for admission in the representative run.', 'queue', fleets, 'requests waiting');
    if (queue) charts.push(queue);
    const busy = line('time-busy', 'Busy time over time', 'The share of provisioned replica time spent stepping, in the representative run (high even at a batch of one; the capacity used is in the table above).', 'busyFraction', fleets, 'busy', '%');
    if (busy) charts.push(busy);
  }
  return charts;
}

/** Month by month for runs longer than a month: the bill and the cost per successful request. */
export function monthsChart(summary: RunSummary): ReportChart | undefined {
  const values = summary.plans.flatMap((p) => (p.months ?? []).map((m) => ({ plan: p.name, month: m.month, usd: m.total.mean, perSuccess: m.perSuccessfulRequest.value })));
  if (values.length === 0) return undefined;
  return {
    id: 'months',
    title: 'Month by month',
    caption: 'The bill of each 730-hour month (mean over runs); the tooltip gives the cost per successful request of the month.',
    spec: pageWideChart(
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'month', type: 'ordinal', title: 'month' },
          y: { field: 'usd', type: 'quantitative', title: 'USD', axis: { format: '$,.0f' } },
          color: planColor(summary),
          tooltip: [{ field: 'plan' }, { field: 'month' }, { field: 'usd', type: 'quantitative', format: '$,.0f' }, { field: 'perSuccess', type: 'quantitative', format: '$.5f', title: 'per success' }],
        },
      },
      220,
    ),
  };
}

/**
 * The utilization trap: per run, a self-hosted plan's cost per successful request against
 * the share of its capacity it used, with the cheapest API plan's cost as a line. Idle
 * capacity is paid for: the less of it is used, the dearer each success.
 */
export function utilizationTrapChart(summary: RunSummary): ReportChart | undefined {
  const points = perRunRows(summary).filter((r) => r.capacityUtilization !== null && r.costPerSuccess !== null && r.costPerSuccess > 0 && summary.plans.find((p) => p.name === r.plan)?.kind === 'self-hosted');
  if (points.length === 0) return undefined;
  const api = summary.plans.filter((p) => p.kind === 'api' && Number.isFinite(p.cost.pooledPerSuccessfulRequest.value)).sort((a, b) => a.cost.pooledPerSuccessfulRequest.value - b.cost.pooledPerSuccessfulRequest.value)[0];
  const lines = api ? [{ usd: api.cost.pooledPerSuccessfulRequest.value, label: `${api.name}` }] : [];
  return {
    id: 'utilization-trap',
    title: 'The utilization trap',
    caption: `Each dot is a run of a self-hosted plan: its cost per successful request against the share of its GPUs' capacity it used. Idle capacity is paid for.${api ? ` The dashed line is the cheapest API plan (${api.name}).` : ''} Sweep the volume (capsim sweep) to see the whole curve.`,
    spec: pageWideChart(
      {
        layer: [
          {
            data: { values: points },
            mark: { type: 'circle', size: 50, opacity: 0.7 },
            encoding: {
              x: { field: 'capacityUtilization', type: 'quantitative', title: 'capacity used', axis: { format: '%' } },
              y: { field: 'costPerSuccess', type: 'quantitative', scale: { type: 'log' }, title: 'USD per successful request' },
              color: planColor(summary),
              tooltip: [{ field: 'plan' }, { field: 'seed' }, { field: 'capacityUtilization', type: 'quantitative', format: '.1%' }, { field: 'costPerSuccess', type: 'quantitative', format: '$.5f' }],
            },
          },
          ...(lines.length > 0
            ? [
                { data: { values: lines }, mark: { type: 'rule', strokeDash: [6, 4], color: '#555' }, encoding: { y: { field: 'usd', type: 'quantitative' } } },
                { data: { values: lines }, mark: { type: 'text', align: 'left', dy: -6, color: '#555', x: 4 }, encoding: { y: { field: 'usd', type: 'quantitative' }, text: { field: 'label' } } },
              ]
            : []),
        ],
      },
      240,
    ),
  };
}

/** Draws of the workload's input and output lengths (the class mix by share), for histograms. */
export function lengthSamples(summary: RunSummary, count = 4000): { kind: 'input' | 'output'; tokens: number }[] | undefined {
  const classes = workloadClasses(summary.scenario.workload);
  if (classes.some((c) => c.input === undefined || c.output === undefined)) return undefined;
  const rng = openStream(0, 'lengths', 'report');
  const total = classes.reduce((s, c) => s + c.share, 0);
  const samplers = classes.map((c) => ({ share: c.share / total, input: makeSampler(c.input!), output: makeSampler(c.output!) }));
  const out: { kind: 'input' | 'output'; tokens: number }[] = [];
  for (let i = 0; i < count; i++) {
    let u = rng();
    const c = samplers.find((s) => (u -= s.share) < 0) ?? samplers[samplers.length - 1]!;
    out.push({ kind: 'input', tokens: Math.max(1, Math.round(c.input(rng))) }, { kind: 'output', tokens: Math.max(1, Math.round(c.output(rng))) });
  }
  return out;
}

export function lengthsCharts(summary: RunSummary): ReportChart[] {
  const samples = lengthSamples(summary);
  if (!samples) return [];
  return (['input', 'output'] as const).map((kind) => ({
    id: `lengths-${kind}`,
    title: `${kind === 'input' ? 'Input' : 'Output'} token lengths of the workload`,
    caption: `A histogram of 4,000 draws from the workload's ${kind} length distribution (the classes mixed by their shares).`,
    spec: pageWideChart(
      {
        data: { values: samples.filter((s) => s.kind === kind) },
        mark: { type: 'bar', color: kind === 'input' ? '#4c78a8' : '#f58518' },
        encoding: {
          x: { field: 'tokens', type: 'quantitative', bin: { maxbins: 40 }, title: `${kind} tokens` },
          y: { aggregate: 'count', type: 'quantitative', title: 'requests' },
          tooltip: [{ field: 'tokens', bin: { maxbins: 40 }, title: 'tokens' }, { aggregate: 'count', type: 'quantitative', title: 'requests' }],
        },
      },
      160,
    ),
  }));
}

export function buildReportCharts(summary: RunSummary): ReportChart[] {
  const billed = summary.plans.some((p) => p.cost.total.mean > 0);
  const maybe = (c: ReportChart | undefined) => (c ? [c] : []);
  return [
    ...(billed ? [costPerSuccessChart(summary), billChart(summary), annualChart(summary)] : []),
    successChart(summary),
    ...maybe(classChart(summary)),
    ...maybe(latencyCdfChart(summary, 'ttft')),
    ...maybe(latencyCdfChart(summary, 'e2e')),
    ...timeCharts(summary),
    ...maybe(monthsChart(summary)),
    ...(billed ? maybe(utilizationTrapChart(summary)) : []),
    ...lengthsCharts(summary),
  ];
}
