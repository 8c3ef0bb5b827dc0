/**
 * `capsim size`: the cheapest value of an integer capacity field (replicas, reserved GPUs,
 * an autoscaler's maximum) at which a plan meets its SLO targets. More capacity never
 * makes a plan miss a target it met with less (the search relies on it): with no range,
 * the value doubles from 1 until the plan meets its targets; within the bracket, halving
 * finds the smallest value that does; then larger values are tried while they make a
 * successful request cheaper (more capacity can lower the cost per success by failing
 * fewer requests). A range of up to 16 values is tried whole. Every value tried is
 * reported.
 */
import type { AcrossRuns, PooledRatio } from '../metrics/index.js';
import { InputError } from '../scenario/index.js';
import { meetsTargets, PointEvaluator, type EvaluatedPoint } from './evaluate.js';
import type { Range } from './spec.js';
import { resultHeader, type PointRunOptions, type ResultHeader, type Study } from './study.js';

/** Largest value `size` tries when doubling without a range (the scenario's replica limit). */
export const MAX_SIZE = 100_000;
/** A range of at most this many values is tried whole. */
const TRY_ALL = 16;

export interface SizeTried {
  readonly value: number;
  readonly meetsTarget: boolean;
  readonly perSuccessfulRequest: PooledRatio;
  readonly perMonth: AcrossRuns;
  readonly successRate: AcrossRuns;
  readonly sloAttainment: AcrossRuns;
  readonly capacityUtilization: AcrossRuns;
  /** The first class that misses its target, in words (absent when every class meets it). */
  readonly missed?: string;
}

export interface SizeResult extends ResultHeader<'size'> {
  readonly plan: string;
  readonly param: string;
  readonly range: Range | undefined;
  readonly seeds: readonly number[];
  /** The cheapest value that meets the targets (null, with a reason, when none tried does). */
  readonly best: SizeTried | null;
  readonly reason?: string;
  /** Every value tried, in order of value. */
  readonly tried: readonly SizeTried[];
}

export interface SizeOptions {
  readonly plan: string;
  readonly param: string;
  readonly range?: Range;
}

function tried(plan: string, p: EvaluatedPoint): SizeTried {
  const figures = p.plans.find((x) => x.name === plan)!;
  const missed = p.decision.excluded.find((e) => e.plan === plan && meetsTargets(figures) === false)?.reason;
  return {
    value: p.x,
    meetsTarget: meetsTargets(figures),
    perSuccessfulRequest: figures.cost.pooledPerSuccessfulRequest,
    perMonth: figures.cost.perMonth,
    successRate: figures.successRate,
    sloAttainment: figures.sloAttainment,
    capacityUtilization: figures.capacityUtilization,
    ...(missed !== undefined ? { missed } : {}),
  };
}

export async function runSize(study: Study, options: SizeOptions, run: PointRunOptions): Promise<SizeResult> {
  const range = options.range;
  if (range && !(Number.isInteger(range.lo) && Number.isInteger(range.hi) && range.lo >= 0)) {
    throw new InputError(`--range for size must be whole numbers from 0 up (a capacity), got ${range.lo}..${range.hi}.`);
  }
  const evaluator = new PointEvaluator(study, options.param, run);
  const meets = async (value: number) => meetsTargets((await evaluator.evaluate([String(value)]))[0]!.plans.find((p) => p.name === options.plan)!);
  const cost = (p: EvaluatedPoint) => p.plans.find((x) => x.name === options.plan)!.cost.pooledPerSuccessfulRequest.value;

  if (range && range.hi - range.lo + 1 <= TRY_ALL) {
    await evaluator.evaluate(Array.from({ length: range.hi - range.lo + 1 }, (_, k) => String(range.lo + k)));
  } else {
    // Bracket the smallest passing value: (fail, pass].
    let fail = (range?.lo ?? 1) - 1;
    let pass: number | undefined;
    if (range) {
      if (await meets(range.lo)) pass = range.lo;
      else {
        fail = range.lo;
        if (await meets(range.hi)) pass = range.hi;
      }
    } else {
      for (let v = 1; ; v = Math.min(MAX_SIZE, v * 2)) {
        if (await meets(v)) {
          pass = v;
          break;
        }
        fail = v;
        if (v === MAX_SIZE) break;
      }
    }
    if (pass !== undefined) {
      while (pass - fail > 1) {
        const mid = Math.floor((fail + pass) / 2);
        if (await meets(mid)) pass = mid;
        else fail = mid;
      }
      // Larger values while they make a successful request cheaper.
      const top = range?.hi ?? MAX_SIZE;
      let here = (await evaluator.evaluate([String(pass)]))[0]!;
      for (let v = pass + 1; v <= top; v++) {
        const next = (await evaluator.evaluate([String(v)]))[0]!;
        if (!(cost(next) < cost(here))) break;
        here = next;
      }
    }
  }
  const all = evaluator.points().map((p) => tried(options.plan, p));
  const passing = all.filter((t) => t.meetsTarget && Number.isFinite(t.perSuccessfulRequest.value));
  const best = passing.reduce<SizeTried | null>((b, t) => (b === null || t.perSuccessfulRequest.value < b.perSuccessfulRequest.value ? t : b), null);
  const top = all[all.length - 1];
  return {
    ...resultHeader(study, 'size'),
    plan: options.plan,
    param: options.param,
    range,
    seeds: study.seeds,
    best,
    ...(best === null ? { reason: `no value tried meets ${options.plan}'s SLO targets${top ? ` (at ${top.value}: ${top.missed ?? 'no request succeeded'})` : ''}` } : {}),
    tried: all,
  };
}
