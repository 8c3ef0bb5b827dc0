/**
 * The report of a run: the answer in words with its uncertainty first, then the key figures
 * per plan, the charts (run-charts.ts), and the assumptions the answer rests on.
 */
import type { PlanSummary, RunSummary } from '../experiment/index.js';
import { workloadClasses } from '../workload/index.js';
import { formatDuration } from '../scenario/index.js';
import { assumptionsHtml } from './assumptions.js';
import { duration, money, percent } from './format.js';
import { escapeHtml, htmlTable, reportPage } from './page.js';
import { buildReportCharts } from './run-charts.js';

function pooled(p: PlanSummary): string {
  const r = p.cost.pooledPerSuccessfulRequest;
  if (!Number.isFinite(r.value)) return 'no successful request';
  // An interval that rounds to the value itself says nothing.
  return Number.isFinite(r.ci95[0]) && money(r.ci95[0]) !== money(r.ci95[1]) ? `${money(r.value)} (95% CI ${money(r.ci95[0])}–${money(r.ci95[1])})` : money(r.value);
}

/** The workload's SLO in words ("the 5 s time-to-first-token SLO"), or undefined without one. */
function sloWords(summary: RunSummary): string | undefined {
  const limits = new Set(
    workloadClasses(summary.scenario.workload).map((c) => [c.slo.ttft !== undefined ? `${formatDuration(c.slo.ttft)} time-to-first-token` : '', c.slo.e2e !== undefined ? `${formatDuration(c.slo.e2e)} end-to-end` : ''].filter(Boolean).join(' and ')),
  );
  limits.delete('');
  if (limits.size === 0) return undefined;
  return limits.size === 1 ? `the ${[...limits][0]} SLO` : 'their classes\' SLOs';
}

/**
 * The answer in one paragraph: the recommended plan, what a successful request costs there
 * with its interval, how much less than the runner-up and in how many runs, how many
 * requests met the SLO against the target; then the rule applied and the plans excluded.
 */
export function headline(summary: RunSummary): string {
  const d = summary.decision;
  const excluded = d.excluded.length > 0 ? ` Not recommended: ${d.excluded.map((e) => `${e.plan} (${e.reason})`).join('; ')}.` : '';
  const rec = summary.plans.find((p) => p.name === d.recommended);
  if (!rec) return `No plan is recommended: ${d.rule}.${excluded}`;
  const others = summary.plans.filter((p) => p !== rec && Number.isFinite(p.cost.pooledPerSuccessfulRequest.value));
  const runnerUp = others.sort((a, b) => a.cost.pooledPerSuccessfulRequest.value - b.cost.pooledPerSuccessfulRequest.value)[0];
  const ratio = runnerUp ? 1 - rec.cost.pooledPerSuccessfulRequest.value / runnerUp.cost.pooledPerSuccessfulRequest.value : NaN;
  const share = runnerUp ? summary.cheaperShare[rec.name]?.[runnerUp.name] : undefined;
  const versus = runnerUp
    ? ratio >= 0
      ? `, ${percent(ratio, 0)} less than ${runnerUp.name}${share !== undefined ? `, cheaper in ${percent(share, 0)} of runs` : ''}`
      : `, ${percent(-ratio, 0)} more than ${runnerUp.name} (which is not eligible or loses on the friction rule)`
    : '';
  const targets = rec.classes.map((c) => c.target).filter((t): t is number => t !== undefined);
  const slo = sloWords(summary);
  const success = slo
    ? `${percent(rec.successRate.mean, 2)} of requests within ${slo}${targets.length > 0 ? ` (target ${percent(Math.max(...targets), 1)})` : ''}`
    : `${percent(rec.successRate.mean, 2)} of requests succeeded`;
  return `${rec.name}: ${pooled(rec)} per successful request${versus}; ${success}. Rule: ${d.rule}.${excluded}`;
}

function figuresTable(summary: RunSummary): string {
  const header = ['plan', 'cost per successful request', 'per month', 'succeeded within SLO', 'TTFT p99', 'end-to-end p99', 'busy time', 'capacity used'];
  const rows = summary.plans.map((p) => [
    p.name,
    pooled(p),
    money(p.cost.perMonth.mean),
    percent(p.successRate.mean, 2),
    duration(p.latency.ttft.p99),
    duration(p.latency.e2e.p99),
    // Busy time reads high at any batch; capacity used is what the GPUs could have served.
    percent(p.utilization.mean),
    percent(p.capacityUtilization.mean),
  ]);
  return htmlTable(header, rows);
}

export function renderReportHtml(summary: RunSummary): string {
  const s = summary.scenario;
  const d = summary.decision;
  const intro = `<p class="meta">${escapeHtml(s.description ?? '')}<br>${summary.seeds.length} Monte Carlo runs (seeds ${summary.seeds[0]}–${summary.seeds[summary.seeds.length - 1]}) of ${escapeHtml(formatDuration(s.horizon))} each; capsim ${escapeHtml(summary.capsim.version)}.</p>`;
  const answer = `<p class="headline${d.recommended ? '' : ' warning'}"><strong>${escapeHtml(d.recommended ? `Recommended: ${d.recommended}` : 'No plan recommended')}</strong><br>${escapeHtml(headline(summary))}</p>`;
  const warnings = summary.warnings.map((w) => `<p class="warning">warning: ${escapeHtml(w)}</p>`).join('');
  const caption = '<p class="caption">Busy time: the share of provisioned replica time spent computing (high even at a batch of one). Capacity used: requests served over what the provisioned replicas could serve at saturation for this request mix.</p>';
  return reportPage({ title: s.name, intro, body: answer + warnings + figuresTable(summary) + caption, charts: buildReportCharts(summary), appendix: assumptionsHtml(summary) });
}
