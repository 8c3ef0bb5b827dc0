/**
 * What an answer rests on, for a reader to check: the traffic, the horizon and seeds, every
 * price used with its source and date, the overheads, the SLOs and targets, the uncertain
 * inputs with their distributions, and the decision rule's friction multiplier. HTML,
 * every scenario string escaped.
 */
import type { CostBook } from '../cost/index.js';
import type { RunSummary } from '../experiment/index.js';

/** What the assumptions are read from: any result that carries its scenario, prices and seeds. */
export interface Assumed {
  readonly scenario: RunSummary['scenario'];
  readonly prices: RunSummary['prices'];
  readonly seeds: readonly number[];
}
import { formatDuration } from '../scenario/index.js';
import { workloadClasses } from '../workload/index.js';
import { apiLatencyWords, money, percent, significant } from './format.js';
import { escapeHtml, htmlTable } from './page.js';

/** A value as compact inline text: `{ process: poisson, perDay: 10,000 }`. */
export function inline(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : significant(value, 4);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length > 12 ? `[${value.slice(0, 12).map(inline).join(', ')}, … (${value.length} values)]` : `[${value.map(inline).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{ ${entries.map(([k, v]) => `${k}: ${inline(v)}`).join(', ')} }`;
}

/** Per standard-tier API backend: the latency figures it runs with and where they come from. */
function apiLatencyRows(summary: Assumed, costs: CostBook): string[][] {
  return summary.scenario.plans.flatMap((plan, p) =>
    plan.backends.flatMap((backend, b) => {
      const c = costs.plans[p]?.[b];
      if (!c || c.kind !== 'api' || !c.latency) return [];
      return [[`${plan.name} / ${backend.name ?? `${backend.kind}${b}`}`, c.model, apiLatencyWords(c.latency), c.latency.source]];
    }),
  );
}

/** Per LLM fleet or managed endpoint: the replica, its engine's scheduling, and where its step times come from. */
function replicaRows(summary: Assumed): string[][] {
  return summary.scenario.plans.flatMap((plan) =>
    plan.backends.flatMap((backend, b) => {
      if (backend.kind === 'api' || backend.perf.kind !== 'llm') return [];
      const perf = backend.perf;
      const sched = perf.scheduler;
      const profile = perf.profile;
      const steps = !profile
        ? 'roofline fitted to 50 published measurements (median error 7%; src/serving/calibration.ts)'
        : profile.kind === 'roofline'
          ? `roofline calibrated to your measurements: memory × ${profile.scale.memory}, compute × ${profile.scale.compute}${profile.fittedTo?.file ? ` (${profile.fittedTo.file})` : ''}`
          : `measured ${profile.kind} profile`;
      return [
        [
          `${plan.name} / ${backend.name ?? `${backend.kind}${b}`}`,
          `${perf.model} (${perf.dtype}, KV ${perf.kvDtype}) on ${perf.tp} × ${perf.gpu}`,
          `${perf.engine}: ${sched.maxNumSeqs} sequences, ${sched.maxNumBatchedTokens} tokens a step, prompts ${sched.prefill}, KV admission ${sched.kvAdmission}`,
          steps,
        ],
      ];
    }),
  );
}

function priceRows(summary: Assumed, costs: CostBook): string[][] {
  const rows: string[][] = [];
  summary.scenario.plans.forEach((plan, p) => {
    plan.backends.forEach((backend, b) => {
      const c = costs.plans[p]?.[b];
      const who = `${plan.name} / ${backend.name ?? `${backend.kind}${b}`}`;
      if (!c || c.kind === 'none') return;
      if (c.kind === 'api') rows.push([who, `${c.model} (${c.tier})`, `input ${money(c.input)}, cached input ${money(c.cachedInput)}, output ${money(c.output)} per million tokens`, c.source]);
      else if (c.kind === 'fleet') {
        const pools = c.order.map((pool) => `${pool} ${money(c.price[pool] ?? NaN)}`).join(', ');
        const reservation = c.reservation ? `; ${c.reservation.gpus} GPUs reserved for ${c.reservation.termHours.toLocaleString('en-US')} h` : '';
        rows.push([who, c.gpu, `${pools} per GPU-hour${reservation}`, c.source]);
      } else rows.push([who, `${c.gpu} (managed)`, `${money(c.pricePerGpuHour)} per GPU-hour`, c.source]);
    });
    const classifier = costs.classifiers[p];
    if (classifier) rows.push([`${plan.name} / classifier`, classifier.model, `input ${money(classifier.input)}, output ${money(classifier.output)} per million tokens`, classifier.source]);
  });
  return rows;
}

export function assumptionsHtml(summary: Assumed): string {
  const s = summary.scenario;
  const w = s.workload;
  const classes = workloadClasses(w);
  const rate = (w.arrivals as { rate?: number } | undefined)?.rate;
  const perDay = typeof rate === 'number' ? ` (a mean rate of ${significant(rate, 4)} per second is ${significant(rate * 86_400, 4)} a day, before any shape or growth)` : '';
  const traffic = w.trace ? `replayed from ${inline(w.trace)}` : `arrivals ${inline(w.arrivals)}${perDay}`;
  const classRows = classes.map((c) => [
    c.name,
    percent(c.share / classes.reduce((t, k) => t + k.share, 0), 0),
    c.input ? inline(c.input) : 'from the trace',
    c.output ? inline(c.output) : 'from the trace',
    [c.slo.ttft !== undefined ? `TTFT ≤ ${c.slo.ttft} s` : '', c.slo.e2e !== undefined ? `end to end ≤ ${c.slo.e2e} s` : ''].filter(Boolean).join(', ') || 'none',
    c.target !== undefined ? percent(c.target, 1) : '—',
  ]);
  const overheads = s.plans
    .filter((p) => p.overhead)
    .map((p) => [p.name, inline(Object.fromEntries(Object.entries(p.overhead!).filter(([, v]) => v !== 0)))]);
  const uncertain = s.uncertain.map((u) => [u.path, inline(u.dist), u.integer ? 'rounded to whole numbers' : '']);
  const run = `${summary.seeds.length} Monte Carlo run${summary.seeds.length === 1 ? '' : 's'} (seeds ${summary.seeds[0]}–${summary.seeds[summary.seeds.length - 1]}) of ${formatDuration(s.horizon)} each${s.warmup > 0 ? `, the first ${formatDuration(s.warmup)} not counted` : ''}; costs per month are scaled to 730 hours.`;
  return `<details open><summary>Assumptions</summary>
<p><strong>Traffic</strong>: ${escapeHtml(traffic)}.</p>
${htmlTable(['class', 'share', 'input tokens', 'output tokens', 'SLO', 'target'], classRows, 'text')}
<p><strong>Runs</strong>: ${escapeHtml(run)}</p>
<p><strong>Prices</strong> (API catalog: ${escapeHtml(summary.prices.apiCatalog.name)}, ${escapeHtml(summary.prices.apiCatalog.asOf)}):</p>
${htmlTable(['plan / backend', 'model or GPU', 'price', 'source and date'], priceRows(summary, summary.prices), 'text')}
${(() => {
    const rows = replicaRows(summary);
    return rows.length > 0 ? `<p><strong>Self-hosted replicas</strong> (what a replica schedules as its engine does by default, and its step times):</p>${htmlTable(['plan / backend', 'replica', 'engine and scheduler', 'step times'], rows, 'text')}` : '';
  })()}
${(() => {
    const rows = apiLatencyRows(summary, summary.prices);
    return rows.length > 0 ? `<p><strong>API latency</strong> (medians; each call draws around them):</p>${htmlTable(['plan / backend', 'model', 'latency', 'source and date'], rows, 'text')}` : '';
  })()}
${overheads.length > 0 ? `<p><strong>Overheads</strong> of self-hosting (per plan):</p>${htmlTable(['plan', 'overhead'], overheads, 'text')}` : ''}
${uncertain.length > 0 ? `<p><strong>Uncertain inputs</strong>, drawn once per run (every plan of a run sees the same draw):</p>${htmlTable(['field', 'distribution', ''], uncertain, 'text')}` : ''}
<p><strong>Decision rule</strong>: a plan must meet its SLO targets; a self-hosted plan is recommended over an API or managed one only when that one costs more than ${escapeHtml(String(s.decision.friction))}× the self-hosted plan per successful request (the friction multiplier).</p>
</details>`;
}
