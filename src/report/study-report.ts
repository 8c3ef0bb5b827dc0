/**
 * The report of a study (sweep, breakeven, size, commit): its answer in words, a table of
 * what was tried, the study's charts and the assumptions of the scenario it varied.
 */
import type { BreakevenResult, CommitResult, Crossing, SizeResult, SweepSummary } from '../study/index.js';
import { formatDuration } from '../scenario/index.js';
import { assumptionsHtml } from './assumptions.js';
import { money, percent, significant } from './format.js';
import { escapeHtml, htmlTable, reportPage } from './page.js';
import { breakevenCharts, commitCharts, sizeCharts, sweepCharts } from './study-charts.js';

export type StudyResult = SweepSummary | BreakevenResult | SizeResult | CommitResult;

function crossingWords(c: Crossing): string {
  if (c.value === null) return `they do not cross: ${c.reason ?? ''}`;
  const [lo, hi] = c.ci95 ?? [null, null];
  const bound = (x: number | null, side: string) => (x === null ? `beyond the ${side} of the range` : significant(x, 4));
  return `${significant(c.value, 4)} (95% CI ${bound(lo, 'low end')} – ${bound(hi, 'high end')})${c.reason ? `; ${c.reason}` : ''}`;
}

function sweepAnswer(r: SweepSummary): { answer: string; table: string } {
  const changes = r.points.filter((p, i) => i > 0 && p.decision.recommended !== r.points[i - 1]!.decision.recommended);
  const where = (values: Readonly<Record<string, string>>) => Object.entries(values).map(([k, v]) => `${k} = ${v}`).join(', ');
  const answer =
    changes.length === 0
      ? `The recommendation is ${r.points[0]?.decision.recommended ?? 'no plan'} at every one of the ${r.points.length} points.`
      : `The recommendation changes ${changes.length} time${changes.length === 1 ? '' : 's'}: ${changes.map((p) => `at ${where(p.values)} to ${p.decision.recommended ?? 'no plan'}`).join('; ')}.`;
  const paths = r.params.map((p) => p.path);
  const rows = r.points.flatMap((p) => p.plans.map((plan) => [...paths.map((path) => p.values[path]!), plan.name + (p.decision.recommended === plan.name ? ' (recommended)' : ''), money(plan.cost.pooledPerSuccessfulRequest.value), money(plan.cost.perMonth.mean), percent(plan.successRate.mean, 2), percent(plan.capacityUtilization.mean)]));
  return { answer, table: htmlTable([...paths, 'plan', 'cost per successful request', 'per month', 'succeeded within SLO', 'capacity used'], rows) };
}

function breakevenAnswer(r: BreakevenResult): { answer: string; table: string } {
  const [a, b] = r.plans;
  const answer = [
    `${a} and ${b} cost the same per successful request at ${r.param} = ${crossingWords(r.crossing)}.`,
    `With the ${r.friction}× friction multiplier on the self-hosted plan: ${crossingWords(r.frictionCrossing)}.`,
    ...r.notes.map((n) => `Note: ${n}.`),
  ].join(' ');
  const rows = r.points.map((p) => [significant(p.value, 6), ...p.plans.map((x) => money(x.perSuccessfulRequest.value) + (x.meetsTargets ? '' : ' (misses SLO)')), money(p.difference.value), p.recommended ?? '—']);
  return { answer, table: htmlTable([r.param, ...(r.points[0]?.plans.map((p) => p.name) ?? []), `${a} − ${b}`, 'recommended'], rows) };
}

function sizeAnswer(r: SizeResult): { answer: string; table: string } {
  const answer = r.best
    ? `The cheapest value of ${r.param} at which ${r.plan} meets its SLO targets is ${r.best.value}: ${money(r.best.perSuccessfulRequest.value)} per successful request, ${money(r.best.perMonth.mean)} a month, ${percent(r.best.successRate.mean, 2)} of requests within the SLO.`
    : `No value tried meets the targets: ${r.reason ?? ''}.`;
  const rows = r.tried.map((t) => [String(t.value), t.meetsTarget ? 'yes' : 'no', money(t.perSuccessfulRequest.value), money(t.perMonth.mean), percent(t.successRate.mean, 2), percent(t.capacityUtilization.mean)]);
  return { answer, table: htmlTable([r.param, 'meets targets', 'cost per successful request', 'per month', 'succeeded within SLO', 'capacity used'], rows) };
}

function commitAnswer(r: CommitResult): { answer: string; table: string } {
  const at = (v: number | undefined) => r.levels.find((l) => l.value === v);
  const e = at(r.minExpected?.value);
  const p = at(r.minP95?.value);
  const answer =
    (e ? `Committing ${r.param} = ${e.value} gives the lowest expected monthly cost, ${money(e.monthlyCost.mean)} (regret ${money(e.regret.mean)} on average against the best level in hindsight). ` : '') +
    (p ? `${p.value === e?.value ? 'It also gives' : `${r.param} = ${p.value} gives`} the lowest 95th percentile, ${money(p.monthlyCost.p95)}.` : '') +
    (r.note ? ` ${r.note}.` : '');
  const rows = r.levels.map((l) => [String(l.value), money(l.monthlyCost.mean), money(l.monthlyCost.p95), money(l.regret.mean), money(l.regret.p95), percent(l.successRate.mean, 2), l.meetsTarget ? 'yes' : 'no']);
  return { answer, table: htmlTable([r.param, 'monthly cost (mean)', 'p95', 'regret (mean)', 'regret p95', 'succeeded', 'meets targets'], rows) };
}

export function renderStudyReportHtml(result: StudyResult): string {
  const command = result.capsim.command;
  const { answer, table } =
    command === 'sweep' ? sweepAnswer(result as SweepSummary) : command === 'breakeven' ? breakevenAnswer(result as BreakevenResult) : command === 'size' ? sizeAnswer(result as SizeResult) : commitAnswer(result as CommitResult);
  const charts = command === 'sweep' ? sweepCharts(result as SweepSummary) : command === 'breakeven' ? breakevenCharts(result as BreakevenResult) : command === 'size' ? sizeCharts(result as SizeResult) : commitCharts(result as CommitResult);
  const s = result.scenario;
  const intro = `<p class="meta">capsim ${escapeHtml(command)}: ${escapeHtml(s.description ?? '')}<br>${result.seeds.length} Monte Carlo runs per value (seeds ${result.seeds[0]}–${result.seeds[result.seeds.length - 1]}, the same at every value) of ${escapeHtml(formatDuration(s.horizon))} each; capsim ${escapeHtml(result.capsim.version)}.</p>`;
  return reportPage({ title: `${s.name}: ${command}`, intro, body: `<p class="headline">${escapeHtml(answer)}</p>${table}`, charts, appendix: assumptionsHtml(result) });
}
