/**
 * `capsim commit`: how much capacity to commit to (reserved GPUs, say) when demand is
 * uncertain (volume or growth drawn per run). Every level in the range is run over the same
 * seeds, so run r of every level faces the same drawn demand; for each level the
 * distribution of the monthly cost across runs, and the regret of each run: what the level
 * cost in that run minus what the best level for that run (in hindsight) cost. The level
 * that minimises the expected monthly cost is the newsvendor's answer (for a reserved
 * price c_r below an on-demand price c_o, the critical fractile 1 − c_r / c_o of demand);
 * the one that minimises the 95th percentile is the cautious buyer's. Only levels that
 * meet the SLO targets are chosen, when any does.
 */
import { acrossRuns, type AcrossRuns } from '../metrics/index.js';
import { InputError } from '../scenario/index.js';
import { meetsTargets, PointEvaluator } from './evaluate.js';
import type { Range } from './spec.js';
import { resultHeader, type PointRunOptions, type ResultHeader, type Study } from './study.js';

/** Most levels one commit study tries. */
export const MAX_LEVELS = 1_000;

export interface CommitLevel {
  readonly value: number;
  /** The plan's cost per 730-hour month across runs (USD). */
  readonly monthlyCost: AcrossRuns;
  /** Per run, this level's monthly cost minus the cheapest level's in that run. */
  readonly regret: AcrossRuns;
  readonly successRate: AcrossRuns;
  readonly meetsTarget: boolean;
}

export interface CommitResult extends ResultHeader<'commit'> {
  readonly plan: string;
  readonly param: string;
  readonly range: Range;
  readonly seeds: readonly number[];
  readonly levels: readonly CommitLevel[];
  /** The level with the lowest mean monthly cost. */
  readonly minExpected: { readonly value: number } | null;
  /** The level with the lowest 95th percentile of monthly cost. */
  readonly minP95: { readonly value: number } | null;
  readonly note?: string;
}

export interface CommitOptions {
  readonly plan: string;
  readonly param: string;
  readonly range: Range;
  readonly step?: number;
}

export async function runCommit(study: Study, options: CommitOptions, run: PointRunOptions): Promise<CommitResult> {
  const { lo, hi } = options.range;
  const step = options.step ?? 1;
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0)) throw new InputError(`--range for commit must be whole numbers from 0 up (levels of commitment), got ${lo}..${hi}.`);
  if (!(Number.isInteger(step) && step >= 1)) throw new InputError(`--step must be a whole number from 1 up, got ${step}.`);
  const count = Math.floor((hi - lo) / step) + 1;
  if (count > MAX_LEVELS) throw new InputError(`--range ${lo}..${hi} with --step ${step} gives ${count.toLocaleString('en-US')} levels; at most ${MAX_LEVELS.toLocaleString('en-US')}.`);
  const values = Array.from({ length: count }, (_, k) => lo + k * step);
  const evaluator = new PointEvaluator(study, options.param, run);
  const points = await evaluator.evaluate(values.map(String));
  const monthly = points.map((p) => p.runs[options.plan]!.perMonth);
  const best = study.seeds.map((_, s) => Math.min(...monthly.map((m) => m[s]!)));
  const levels: CommitLevel[] = points.map((p, k) => {
    const plan = p.plans.find((x) => x.name === options.plan)!;
    return {
      value: values[k]!,
      monthlyCost: acrossRuns(monthly[k]!),
      regret: acrossRuns(monthly[k]!.map((m, s) => m - best[s]!)),
      successRate: plan.successRate,
      meetsTarget: meetsTargets(plan),
    };
  });
  const eligible = levels.some((l) => l.meetsTarget) ? levels.filter((l) => l.meetsTarget) : levels;
  const lowest = (pick: (l: CommitLevel) => number) => eligible.reduce<CommitLevel | undefined>((b, l) => (b === undefined || pick(l) < pick(b) ? l : b), undefined);
  const minExpected = lowest((l) => l.monthlyCost.mean);
  const minP95 = lowest((l) => l.monthlyCost.p95);
  return {
    ...resultHeader(study, 'commit'),
    plan: options.plan,
    param: options.param,
    range: options.range,
    seeds: study.seeds,
    levels,
    minExpected: minExpected ? { value: minExpected.value } : null,
    minP95: minP95 ? { value: minP95.value } : null,
    ...(eligible === levels && !levels.some((l) => l.meetsTarget) ? { note: `no level meets ${options.plan}'s SLO targets; the levels are chosen on cost alone` } : {}),
  };
}
