/**
 * The readable answer of `capsim run`: one column per plan, one row per figure.
 */
import type { CostBook } from '../cost/index.js';
import { apiLatencyWords } from '../report/format.js';
import type { RunSummary } from '../experiment/index.js';
import type { FailureReason, PooledRatio } from '../metrics/index.js';
import { formatDuration, uncertainFields, type Scenario } from '../scenario/index.js';
import { DEFAULT_LAYOUT, meanCi, num, pct, pooledCost, secs, table, usd, wrap, type TableLayout } from './format.js';

export function renderRunTable(summary: RunSummary, layout: TableLayout = DEFAULT_LAYOUT): string {
  const { scenario, seeds, plans } = summary;
  const head =
    `capsim run: ${scenario.name} — ${seeds.length} run${seeds.length === 1 ? '' : 's'} (seeds ${seeds[0]}..${seeds[seeds.length - 1]}), ` +
    `horizon ${formatDuration(scenario.horizon)}${scenario.warmup > 0 ? `, warmup ${formatDuration(scenario.warmup)} not counted` : ''}\n` +
    `figures are mean ± 95% CI half-width over runs; cost per successful request is total cost over total successes; latencies are pooled over all runs\n\n`;
  const latency = (pick: (p: (typeof plans)[number]) => { mean: number; p50: number; p90: number; p99: number }) =>
    plans.map((p) => {
      const l = pick(p);
      return `${secs(l.mean)} / ${secs(l.p50)} / ${secs(l.p99)}`;
    });
  const failureRows = (Object.keys(FAILURE_WORDS) as FailureReason[])
    .filter((reason) => plans.some((p) => p.failedBy[reason].mean > 0))
    .map((reason) => [`  ${FAILURE_WORDS[reason]}`, ...plans.map((p) => meanCi(p.failedBy[reason]))]);
  const rows: string[][] = [
    ['requests arrived', ...plans.map((p) => meanCi(p.requests.arrived))],
    ['succeeded', ...plans.map((p) => meanCi(p.requests.succeeded))],
    ['failed', ...plans.map((p) => meanCi(p.requests.failed))],
    ...failureRows,
    ['in flight at horizon', ...plans.map((p) => meanCi(p.requests.inFlight))],
    ['  late (past the SLO)', ...plans.map((p) => meanCi(p.requests.late))],
    ['success rate', ...plans.map((p) => meanCi(p.successRate, (x) => pct(x, 2)))],
    ['queue wait mean / p50 / p99', ...latency((p) => p.latency.queueWait)],
    ['end-to-end mean / p50 / p99', ...latency((p) => p.latency.e2e)],
    ['busy time (share of replica time stepping)', ...plans.map((p) => meanCi(p.utilization, (x) => pct(x)))],
    ['capacity used (served / what it could serve)', ...plans.map((p) => meanCi(p.capacityUtilization, (x) => pct(x)))],
    ['queue length (time avg)', ...plans.map((p) => meanCi(p.queueLength))],
  ];
  const llm = scenario.plans.some((p) => p.backends.some((b) => b.kind === 'api' || b.perf.kind === 'llm'));
  if (llm) {
    rows.push(
      ['time to first token mean / p50 / p99', ...latency((p) => p.latency.ttft)],
      ['time per output token mean / p50 / p99', ...latency((p) => p.latency.tpot)],
      ['output tokens/s', ...plans.map((p) => meanCi(p.outputTokensPerSecond))],
      ['running batch (while busy)', ...plans.map((p) => meanCi(p.meanBatch))],
      ['KV cache occupancy', ...plans.map((p) => meanCi(p.kvOccupancy, (x) => pct(x)))],
      ['preemptions per run', ...plans.map((p) => meanCi(p.preemptions))],
    );
    if (plans.some((p) => p.recomputedTokens.mean > 0)) rows.push(['tokens prefilled again per run', ...plans.map((p) => meanCi(p.recomputedTokens))]);
    if (plans.some((p) => p.spotPreemptions.mean > 0)) rows.push(['spot preemptions per run', ...plans.map((p) => meanCi(p.spotPreemptions))]);
    if (plans.some((p) => p.replicaFailures.mean > 0)) rows.push(['replica failures per run', ...plans.map((p) => meanCi(p.replicaFailures))]);
    if (plans.some((p) => p.coldStarts.mean > 0)) rows.push(['cold starts per run', ...plans.map((p) => meanCi(p.coldStarts))]);
  }
  const billed = plans.some((p) => p.cost.total.mean > 0);
  if (billed) {
    rows.unshift(
      ['COST PER SUCCESSFUL REQUEST', ...plans.map((p) => pooledCost(p.cost.pooledPerSuccessfulRequest))],
      ['cost per month (730 h)', ...plans.map((p) => meanCi(p.cost.perMonth, usd))],
      ['cost per million output tokens', ...plans.map((p) => meanCi(p.cost.perMillionOutputTokens, usd))],
      ['GPU utilization paid for', ...plans.map((p) => (Number.isFinite(p.cost.paidUtilization.mean) ? meanCi(p.cost.paidUtilization, (x) => pct(x)) : '—'))],
    );
    if (plans.some((p) => p.api.calls.mean > 0)) {
      rows.push(
        ['API 429 answers per run', ...plans.map((p) => meanCi(p.api.rateLimited))],
        ['API retries per run', ...plans.map((p) => meanCi(p.api.retries))],
      );
    }
  }
  if (plans.some((p) => p.cost.runsWithoutSuccess > 0)) rows.push(['runs with no successful request', ...plans.map((p) => String(p.cost.runsWithoutSuccess))]);
  if (plans.some((p) => p.skippedRows.mean > 0)) rows.push(['bad trace rows skipped per run', ...plans.map((p) => meanCi(p.skippedRows))]);
  const uncertain = Object.keys(plans[0]?.uncertain ?? {});
  for (const path of uncertain) rows.push([`drawn: ${path}`, ...plans.map((p) => meanCi(p.uncertain[path]!))]);
  let text = head + table(['', ...plans.map((p) => p.name)], rows, layout);
  if (billed) text += billLines(summary);
  text += latencyLines(summary);
  text += classTable(summary, layout);
  text += backendTable(summary, layout);
  text += routingTable(summary, layout);
  text += scalingTable(summary, layout);
  text += monthsTable(summary, layout);
  const decision = summary.decision;
  if (billed && !decision.recommended && decision.excluded.length > 0) text += `\nno plan recommended: ${decision.rule}\n`;
  if (billed && decision.excluded.length > 0) text += decision.excluded.map((e) => `  not recommended: ${e.plan}: ${e.reason}\n`).join('');
  if (billed && decision.recommended) {
    text += `\nrecommended: ${decision.recommended}\n  rule: ${decision.rule}\n`;
    const cheapest = summary.decision.cheapest;
    const shares = cheapest ? summary.cheaperShare[cheapest] : undefined;
    if (cheapest && shares && seeds.length > 1) {
      const others = Object.entries(shares).map(([name, share]) => `${name} in ${pct(share, 0)}`);
      text += `  ${cheapest} cost less per successful request than ${others.join(', ')} of the ${seeds.length} runs\n`;
    }
  }
  if (summary.warnings.length > 0) text += '\n' + summary.warnings.map((w) => `warning: ${w}`).join('\n') + '\n';
  return layout.markdown ? text : wrap(text, layout.width);
}

/** Why requests failed, in words (the keys of `failedBy`). */
export const FAILURE_WORDS: Record<FailureReason, string> = {
  queueFull: 'refused: queue full',
  tooLong: 'refused: prompt + output too long',
  rateLimited: 'rate-limited (429 after the last retry)',
  timedOut: 'timed out in queue',
  errored: 'errored (provider failure after retries)',
  unavailable: 'unavailable (no capacity up)',
  misrouted: 'misrouted (answered by a model meant for simpler requests)',
  deadlineMissed: 'deadline missed (batch work still waiting)',
};

/** Which figures each API backend's latency comes from: say it plainly where it is capsim's default. */
function latencyLines(summary: RunSummary): string {
  const lines: string[] = [];
  summary.scenario.plans.forEach((plan, p) =>
    plan.backends.forEach((backend, b) => {
      const c = summary.prices.plans[p]?.[b];
      if (c?.kind !== 'api' || !c.latency) return;
      const who = plan.backends.length > 1 ? `${plan.name} / ${backend.name}` : plan.name;
      lines.push(`  ${who} (${c.model}): ${apiLatencyWords(c.latency)}`);
    }),
  );
  return lines.length > 0 ? `
API latency (medians, +50 µs a prompt token; sources in the report and --json)
${lines.join('\n')}
` : '';
}

/** Each plan's monthly bill by line item, in words: a line per plan (items are too many and too long for columns). */
function billLines(summary: RunSummary): string {
  const lines = summary.plans.map((p) => {
    const items = Object.entries(p.cost.itemsPerMonth).map(([id, usdPerMonth]) => `${p.cost.itemLabels[id] ?? id} ${usd(usdPerMonth)}`);
    return `  ${p.name}: ${items.length > 0 ? items.join(' · ') : 'nothing billed'}`;
  });
  return `\nmonthly bill by line item (730 h, mean over runs)\n${lines.join('\n')}\n`;
}

/** With several request classes: each class's outcomes, latency and share of the cost, one column per plan. */
function classTable(summary: RunSummary, layout: TableLayout): string {
  const classes = summary.plans[0]?.classes ?? [];
  if (classes.length < 2) return '';
  const rows: string[][] = [];
  classes.forEach((c, k) => {
    const target = c.target !== undefined ? `, target ${pct(c.target, 1)}` : '';
    rows.push([`${c.name}${target}`, ...summary.plans.map(() => '')]);
    rows.push(['  success rate', ...summary.plans.map((p) => meanCi(p.classes[k]!.successRate, (x) => pct(x, 2)))]);
    rows.push(['  failed', ...summary.plans.map((p) => meanCi(p.classes[k]!.requests.failed))]);
    rows.push(['  time to first token p99', ...summary.plans.map((p) => secs(p.classes[k]!.latency.ttft.p99))]);
    rows.push(['  end-to-end p99', ...summary.plans.map((p) => secs(p.classes[k]!.latency.e2e.p99))]);
    rows.push(['  share of cost', ...summary.plans.map((p) => meanCi(p.classes[k]!.costShare, (x) => pct(x)))]);
  });
  return '\nper request class\n' + table(['', ...summary.plans.map((p) => p.name)], rows, layout);
}

/** Runs longer than a month: each plan's cost per month and per successful request, month by month. */
function monthsTable(summary: RunSummary, layout: TableLayout): string {
  const months = summary.plans[0]?.months;
  if (!months) return '';
  const rows = months.map((m, k) => [
    `month ${m.month}${m.hours < 729.999 ? ` (${num(m.hours)} h)` : ''}`,
    ...summary.plans.map((p) => {
      const pm = p.months?.[k];
      return pm ? `${usd(pm.total.mean)} · ${usd(pm.perSuccessfulRequest.value)}/success` : '—';
    }),
  ]);
  let text = '\nmonth by month (cost of the month · per successful request)\n' + table(['', ...summary.plans.map((p) => p.name)], rows, layout);
  const owed = summary.plans.filter((p) => p.cost.commitmentOwed.mean > 0);
  for (const p of owed) text += `  ${p.name}: reservations still owe ${usd(p.cost.commitmentOwed.mean)} after the horizon (term left × reserved price; not in the cost above)\n`;
  return text;
}

/** Autoscaled fleets: how many replicas on average, how often they moved, stockouts. */
function scalingTable(summary: RunSummary, layout: TableLayout): string {
  const rows = summary.plans.flatMap((p) =>
    p.backends
      .filter((b) => b.scaling)
      .map((b) => [`${p.name} / ${b.name}`, meanCi(b.scaling!.meanReplicas), meanCi(b.scaling!.scaleUps), meanCi(b.scaling!.scaleDowns), meanCi(b.scaling!.stockouts), pct(b.capacityUtilization.mean)]),
  );
  if (rows.length === 0) return '';
  return '\nautoscaling (per run)\n' + table(['', 'mean replicas', 'scale-ups', 'scale-downs', 'stockouts', 'capacity used'], rows, layout);
}

/** Plans with routing rules: where requests went, and how many were re-routed. */
function routingTable(summary: RunSummary, layout: TableLayout): string {
  const routed = summary.plans.filter((p) => p.routing);
  if (routed.length === 0) return '';
  const rows = routed.map((p) => {
    const r = p.routing!;
    const share = Object.entries(r.byBackend).map(([name, n]) => `${name} ${num(n.mean)}`).join(', ');
    return [p.name, share, num(r.overflows.mean), num(r.fallbacks.mean), num(r.misroutes.mean), num(r.escalations.mean)];
  });
  return '\nrouting (per run)\n' + table(['', 'requests given to', 'overflows', 'fallbacks', 'misroutes', 'escalations'], rows, layout);
}

/** Plans of several backends: what each backend was given and how it ended there. */
function backendTable(summary: RunSummary, layout: TableLayout): string {
  const several = summary.plans.filter((p) => p.backends.length > 1);
  if (several.length === 0) return '';
  const rows = several.flatMap((p) =>
    p.backends.map((b) => [
      `${p.name} / ${b.name} (${b.kind})`,
      meanCi(b.requests.submitted),
      meanCi(b.requests.completed),
      meanCi(b.requests.failed),
      Number.isFinite(b.utilization.mean) ? pct(b.utilization.mean) : '—',
    ]),
  );
  return '\nper backend\n' + table(['', 'given', 'completed', 'failed', 'utilization'], rows, layout);
}

/** What `capsim validate` prints: each plan's backend and prices, and the uncertain inputs. */
export function describeScenario(scenario: Scenario, costs: CostBook): string {
  const lines = [`  horizon ${formatDuration(scenario.horizon)}, warmup ${formatDuration(scenario.warmup)}, ${scenario.seeds} seeds from ${scenario.seed}`];
  scenario.plans.forEach((plan, p) => {
    const described = plan.backends.map((b, i) => {
      const c = costs.plans[p]?.[i];
      let what: string;
      if (b.kind === 'api') {
        const l = c?.kind === 'api' ? c.latency : undefined;
        const latency = l ? `; latency ${apiLatencyWords(l)}` : '';
        what = c?.kind === 'api' ? `API ${c.model} (${c.tier}): $${c.input} in / $${c.output} out per million tokens${latency}` : 'API';
      }
      else if (b.perf.kind === 'service') what = `${b.replicas} plain server(s)`;
      else {
        const gpus = `${b.replicas} replica(s) of ${b.perf.tp} × ${b.perf.gpu}`;
        const price =
          c?.kind === 'managed'
            ? `managed at $${Number(c.pricePerGpuHour.toPrecision(4))}/GPU-hour`
            : c?.kind === 'fleet'
              ? `${c.order.map((pool) => `${pool} $${Number((c.price[pool] ?? NaN).toPrecision(4))}`).join(' → ')} per GPU-hour`
              : '';
        const engine = `${b.perf.engine}: ${b.perf.scheduler.maxNumSeqs} sequences, ${b.perf.scheduler.maxNumBatchedTokens} tokens a step, prompts ${b.perf.scheduler.prefill}, KV admission ${b.perf.scheduler.kvAdmission}`;
        what = `${b.perf.model} (${b.perf.dtype}) on ${gpus} with ${engine}${price ? `, ${price}` : ''}`;
      }
      return plan.backends.length > 1 ? `${b.name}: ${what}` : what;
    });
    lines.push(`  plan ${plan.name}: ${described.join('; then ')}`);
  });
  for (const f of uncertainFields(scenario)) lines.push(`  uncertain: ${f.path} ~ ${JSON.stringify(f.dist)}${f.integer ? ' (rounded)' : ''}`);
  return lines.join('\n') + '\n';
}
