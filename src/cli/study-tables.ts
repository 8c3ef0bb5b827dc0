/**
 * The readable answers of `sweep`, `breakeven`, `size` and `commit`.
 */
import type { BreakevenResult, CommitResult, Crossing, SizeResult, SweepSummary } from '../study/index.js';
import { numberText } from '../study/index.js';
import { DEFAULT_LAYOUT, meanCi, num, pct, pooledCost, table, usd, wrap, type TableLayout } from './format.js';

const runsWord = (n: number) => `${n} run${n === 1 ? '' : 's'}`;

export function renderSweepTable(summary: SweepSummary, layout: TableLayout = DEFAULT_LAYOUT): string {
  const paths = summary.params.map((p) => p.path);
  const head = `capsim sweep: ${summary.scenario.name} — ${summary.points.length} point${summary.points.length === 1 ? '' : 's'} × ${summary.points[0]?.plans.length ?? 0} plans × ${runsWord(summary.seeds.length)} (the same seeds at every point)\n\n`;
  const rows = summary.points.flatMap((point) =>
    point.plans.map((plan, k) => [
      ...paths.map((path) => (k === 0 ? point.values[path]! : '')),
      plan.name + (point.decision.recommended === plan.name ? ' ◀' : ''),
      pooledCost(plan.cost.pooledPerSuccessfulRequest),
      meanCi(plan.cost.perMonth, usd),
      meanCi(plan.successRate, (x) => pct(x, 2)),
      Number.isFinite(plan.capacityUtilization.mean) ? meanCi(plan.capacityUtilization, (x) => pct(x)) : '—',
    ]),
  );
  const header = [...paths, 'plan', 'cost per successful request', 'per month', 'succeeded within SLO', 'capacity used'];
  // The first column is left-aligned by `table`; values read better right-aligned, so pad them here.
  const changes = summary.points
    .map((p, i) => (i > 0 && p.decision.recommended !== summary.points[i - 1]!.decision.recommended ? `  at ${Object.entries(p.values).map(([k, v]) => `${k}=${v}`).join(', ')}: ${p.decision.recommended ?? 'none'} (was ${summary.points[i - 1]!.decision.recommended ?? 'none'})` : ''))
    .filter((s) => s !== '');
  const footer =
    `\n◀ recommended at that point (SLO targets, then the friction rule).\n` +
    (changes.length > 0 ? `The recommendation changes:\n${changes.join('\n')}\n` : `The recommendation is ${summary.points[0]?.decision.recommended ?? 'none'} at every point.\n`);
  return wrap(head, layout.width) + table(header, rows, layout, paths.length + 1) + wrap(footer, layout.width);
}

function crossingText(c: Crossing): string {
  if (c.value === null) return `none: ${c.reason ?? ''}`;
  const [lo, hi] = c.ci95 ?? [null, null];
  const bound = (x: number | null, side: string) => (x === null ? `beyond the ${side} of the range` : num(x, 4));
  return `${num(c.value, 4)} (95% CI ${bound(lo, 'low end')} – ${bound(hi, 'high end')})${c.reason ? `; ${c.reason}` : ''}`;
}

export function renderBreakeven(r: BreakevenResult, layout: TableLayout = DEFAULT_LAYOUT): string {
  const [a, b] = r.plans;
  const lines = [
    `capsim breakeven: ${a} against ${b} over ${r.param} from ${numberText(r.range.lo)} to ${numberText(r.range.hi)} — ${runsWord(r.seeds.length)} per value, ${r.points.length} values tried\n`,
    `cost the same per successful request at ${r.param} = ${crossingText(r.crossing)}`,
    `with the ${r.friction}× friction multiplier on the self-hosted plan, even at ${r.param} = ${crossingText(r.frictionCrossing)}`,
    ...r.notes.map((n) => `note: ${n}`),
  ];
  if (r.atCrossing) {
    lines.push(
      `at the crossing: ${r.atCrossing.plans
        .map((p) => `${p.name} ${pooledCost(p.perSuccessfulRequest)} per success, ${pct(p.successRate.mean, 2)} succeeded${Number.isFinite(p.capacityUtilization.mean) ? `, ${pct(p.capacityUtilization.mean)} of capacity used` : ''}`)
        .join('; ')}`,
    );
  }
  const rows = r.points.map((p) => [
    num(p.value, 6),
    ...p.plans.map((x) => pooledCost(x.perSuccessfulRequest) + (x.meetsTargets ? '' : ' ✗')),
    `${usd(p.difference.value)} ± ${usd((p.difference.ci95[1] - p.difference.ci95[0]) / 2)}`,
    p.recommended ?? '—',
  ]);
  const header = [r.param, ...r.points[0]!.plans.map((p) => p.name), `${a} − ${b}`, 'recommended'];
  const legend = r.points.some((p) => p.plans.some((x) => !x.meetsTargets)) ? '✗ misses its SLO targets at that value\n' : '';
  return wrap(lines.join('\n'), layout.width) + '\n\n' + table(header, rows, layout) + legend;
}

export function renderSize(r: SizeResult, layout: TableLayout = DEFAULT_LAYOUT): string {
  const head = `capsim size: ${r.plan}, ${r.param}${r.range ? ` in ${r.range.lo}..${r.range.hi}` : ''} — ${runsWord(r.seeds.length)} per value\n`;
  const answer = r.best
    ? `cheapest value that meets the SLO targets: ${r.param} = ${r.best.value} (${pooledCost(r.best.perSuccessfulRequest)} per successful request, ${meanCi(r.best.perMonth, usd)} per month, ${pct(r.best.successRate.mean, 2)} succeeded within the SLO)\n`
    : `no value meets the targets: ${r.reason ?? ''}\n`;
  const rows = r.tried.map((t) => [String(t.value), t.meetsTarget ? 'yes' : 'no', pooledCost(t.perSuccessfulRequest), meanCi(t.perMonth, usd), meanCi(t.successRate, (x) => pct(x, 2)), Number.isFinite(t.capacityUtilization.mean) ? pct(t.capacityUtilization.mean) : '—']);
  return wrap(head + answer, layout.width) + '\n' + table([r.param, 'meets targets', 'cost per successful request', 'per month', 'succeeded within SLO', 'capacity used'], rows, layout);
}

export function renderCommit(r: CommitResult, layout: TableLayout = DEFAULT_LAYOUT): string {
  const head = `capsim commit: ${r.plan}, ${r.param} from ${r.range.lo} to ${r.range.hi} — ${runsWord(r.seeds.length)} per level, the same drawn demand at every level\n`;
  const answer =
    `lowest expected monthly cost: ${r.param} = ${r.minExpected?.value ?? '—'}\n` +
    `lowest 95th-percentile monthly cost: ${r.param} = ${r.minP95?.value ?? '—'}\n` +
    (r.note ? `${r.note}\n` : '');
  const rows = r.levels.map((l) => [
    String(l.value) + (l.value === r.minExpected?.value ? ' ◀' : ''),
    meanCi(l.monthlyCost, usd),
    usd(l.monthlyCost.p95),
    usd(l.regret.mean),
    usd(l.regret.p95),
    pct(l.successRate.mean, 2),
    l.meetsTarget ? 'yes' : 'no',
  ]);
  return wrap(head + answer, layout.width) + '\n' + table([r.param, 'monthly cost', 'p95', 'regret mean', 'regret p95', 'succeeded', 'meets targets'], rows, layout) + wrap('\n◀ lowest expected monthly cost. Regret: the level\'s monthly cost minus the best level\'s in the same run.\n', layout.width);
}
