/**
 * `capsim breakeven`: the value of a scenario field at which two plans cost the same per
 * successful request. The difference of their pooled costs (Σ cost / Σ successes over the
 * runs, plan A minus plan B) is found at a few values across the range, the first bracket
 * in which it changes sign is halved until it is narrower than the tolerance, and the
 * crossing is read off by linear interpolation. Run r of both plans sees the same traffic
 * (common random numbers), so the difference is paired; its 95% interval is the jackknife's
 * over the runs. The crossing's interval is the stretch around it where the difference's
 * interval contains zero. The same is done for the friction rule: where the API or
 * managed plan costs the friction multiplier times the self-hosted one, so the
 * recommendation flips.
 */
import { planKind } from '../plan/index.js';
import { tQuantile975 } from '../metrics/index.js';
import { InputError } from '../scenario/index.js';
import type { AcrossRuns, PooledRatio } from '../metrics/index.js';
import { meetsTargets, PointEvaluator, type EvaluatedPoint, type PlanRuns } from './evaluate.js';
import { numberText, type Range } from './spec.js';
import { resultHeader, type PointRunOptions, type ResultHeader, type Study } from './study.js';

export interface Difference {
  readonly value: number;
  readonly ci95: [number, number];
}

/**
 * wa·(Σ cost_A / Σ succ_A) − wb·(Σ cost_B / Σ succ_B) over paired runs, with a jackknife 95%
 * interval (each run left out in turn; the pairs stay together).
 */
export function pairedRatioDifference(a: PlanRuns, b: PlanRuns, wa = 1, wb = 1): Difference {
  const n = a.cost.length;
  const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
  const [ca, sa, cb, sb] = [sum(a.cost), sum(a.succeeded), sum(b.cost), sum(b.succeeded)];
  const value = (wa * ca) / sa - (wb * cb) / sb;
  if (!Number.isFinite(value) || n < 2) return { value: Number.isFinite(value) ? value : NaN, ci95: [NaN, NaN] };
  const leftOut = Array.from({ length: n }, (_, i) => (wa * (ca - a.cost[i]!)) / (sa - a.succeeded[i]!) - (wb * (cb - b.cost[i]!)) / (sb - b.succeeded[i]!));
  if (!leftOut.every(Number.isFinite)) return { value, ci95: [NaN, NaN] };
  const mean = sum(leftOut) / n;
  const variance = ((n - 1) / n) * leftOut.reduce((s, d) => s + (d - mean) ** 2, 0);
  const half = tQuantile975(n - 1) * Math.sqrt(variance);
  return { value, ci95: [value - half, value + half] };
}

export interface Crossing {
  /** The value at which the plans cost the same; null when they do not cross in the range. */
  readonly value: number | null;
  /** Where the difference's 95% interval contains zero around the crossing; a bound is null when it lies outside the range. */
  readonly ci95: [number | null, number | null] | null;
  /** Why there is no crossing, or what to know about it. */
  readonly reason?: string;
}

export interface BreakevenPlanFigures {
  readonly name: string;
  readonly kind: string;
  readonly perSuccessfulRequest: PooledRatio;
  readonly successRate: AcrossRuns;
  readonly capacityUtilization: AcrossRuns;
  /** Whether the plan meets its SLO targets here (a plan that misses is never recommended, whatever it costs). */
  readonly meetsTargets: boolean;
}

export interface BreakevenPoint {
  readonly value: number;
  /** Plan A minus plan B, per successful request (USD). */
  readonly difference: Difference;
  /** With the friction multiplier applied to the self-hosted plan (absent when both plans are of one kind). */
  readonly frictionDifference?: Difference;
  readonly plans: readonly BreakevenPlanFigures[];
  readonly recommended: string | undefined;
}

export interface BreakevenResult extends ResultHeader<'breakeven'> {
  readonly param: string;
  readonly range: Range;
  readonly plans: readonly [string, string];
  readonly seeds: readonly number[];
  readonly tolerance: number;
  readonly friction: number;
  readonly crossing: Crossing;
  readonly frictionCrossing: Crossing;
  /** The plans at the crossing (absent when they do not cross). */
  readonly atCrossing?: BreakevenPoint;
  /** Every value tried, in order of value. */
  readonly points: readonly BreakevenPoint[];
  /** What to keep in mind when reading the crossings (a plan missing its SLO targets). */
  readonly notes: readonly string[];
}

export interface BreakevenOptions {
  readonly param: string;
  readonly range: Range;
  readonly plans: readonly [string, string];
  /** Stop when the bracket is narrower than this (default: 1/200 of the range). */
  readonly tolerance?: number;
  /** Values to try first across the range (default 5). */
  readonly initialPoints?: number;
  /** Space the first values logarithmically. */
  readonly log?: boolean;
}

type DifferenceOf = (p: EvaluatedPoint) => Difference;

/** Linear interpolation of where f crosses zero between (x1, f1) and (x2, f2). */
function zeroBetween(x1: number, f1: number, x2: number, f2: number): number {
  return f1 === f2 ? x1 : x1 + ((x2 - x1) * f1) / (f1 - f2);
}

/** The first adjacent pair of points between which the difference changes sign (or is zero). */
function firstBracket(points: readonly EvaluatedPoint[], of: DifferenceOf): [EvaluatedPoint, EvaluatedPoint] | undefined {
  for (let k = 0; k + 1 < points.length; k++) {
    const f1 = of(points[k]!).value;
    const f2 = of(points[k + 1]!).value;
    if (f1 === 0 || (Number.isFinite(f1) && Number.isFinite(f2) && Math.sign(f1) !== Math.sign(f2))) return [points[k]!, points[k + 1]!];
  }
  return undefined;
}

/** How many times the difference changes sign across the points. */
function signChanges(points: readonly EvaluatedPoint[], of: DifferenceOf): number {
  const signs = points.map((p) => Math.sign(of(p).value)).filter((s) => s !== 0 && Number.isFinite(s));
  return signs.reduce((n, s, i) => (i > 0 && s !== signs[i - 1] ? n + 1 : n), 0);
}

/**
 * Where, going out from x* along the points, the band [lo, hi] of the difference stops
 * containing zero; null when it still does at the end of the range.
 */
function bandEdge(points: readonly EvaluatedPoint[], of: DifferenceOf, crossing: number, direction: -1 | 1): number | null {
  const sorted = direction === 1 ? points.filter((p) => p.x > crossing) : points.filter((p) => p.x < crossing).reverse();
  const contains = (p: EvaluatedPoint) => {
    const [lo, hi] = of(p).ci95;
    return !(lo > 0 || hi < 0);
  };
  let previous: EvaluatedPoint | undefined;
  for (const p of sorted) {
    if (!contains(p)) {
      if (!previous) return p.x;
      // The band leaves zero between previous and p: where its nearer edge crosses zero.
      const [lo1, hi1] = of(previous).ci95;
      const [lo2, hi2] = of(p).ci95;
      return lo2 > 0 ? zeroBetween(previous.x, lo1, p.x, lo2) : zeroBetween(previous.x, hi1, p.x, hi2);
    }
    previous = p;
  }
  return null;
}

async function findCrossing(evaluator: PointEvaluator, of: DifferenceOf, tolerance: number, names: readonly [string, string], what: string): Promise<Crossing> {
  let bracket = firstBracket(evaluator.points(), of);
  if (!bracket) {
    const points = evaluator.points().filter((p) => Number.isFinite(of(p).value));
    if (points.length === 0) return { value: null, ci95: null, reason: `neither plan has a cost per successful request to compare${what} (nothing succeeded)` };
    const sign = Math.sign(of(points[0]!).value);
    const cheaper = sign > 0 ? names[1] : names[0];
    return { value: null, ci95: null, reason: `${cheaper} is cheaper${what} across the whole range; they do not cross between ${numberText(points[0]!.x)} and ${numberText(points[points.length - 1]!.x)}` };
  }
  while (bracket[1].x - bracket[0].x > tolerance && of(bracket[0]).value !== 0) {
    const mid = numberText((bracket[0].x + bracket[1].x) / 2);
    if (Number(mid) <= bracket[0].x || Number(mid) >= bracket[1].x) break;
    const [m] = await evaluator.evaluate([mid]);
    bracket = Math.sign(of(m!).value) === Math.sign(of(bracket[0]).value) ? [m!, bracket[1]] : [bracket[0], m!];
  }
  const [p1, p2] = bracket;
  const f1 = of(p1).value;
  const value = f1 === 0 ? p1.x : zeroBetween(p1.x, f1, p2.x, of(p2).value);
  const points = evaluator.points();
  const changes = signChanges(points, of);
  return {
    value,
    ci95: [bandEdge(points, of, value, -1), bandEdge(points, of, value, 1)],
    ...(changes > 1 ? { reason: `the difference changes sign ${changes} times across the range; this is the lowest crossing` } : {}),
  };
}

export async function runBreakeven(study: Study, options: BreakevenOptions, run: PointRunOptions): Promise<BreakevenResult> {
  const [nameA, nameB] = options.plans;
  if (nameA === nameB) throw new InputError(`--plans must name two different plans, got "${nameA},${nameB}".`);
  const { lo, hi } = options.range;
  if (options.log && !(lo > 0)) throw new InputError(`--log needs a range above zero, got ${numberText(lo)}..${numberText(hi)}.`);
  const tolerance = options.tolerance ?? (hi - lo) / 200;
  const n = options.initialPoints ?? 5;
  const friction = study.base.decision.friction;
  const kindOf = (name: string) => planKind(study.base.plans.find((p) => p.name === name)!);
  const [kindA, kindB] = [kindOf(nameA), kindOf(nameB)];
  const weight = (kind: string) => (kind === 'self-hosted' ? friction : 1);
  // The rule weighs a self-hosted plan against a bought one (API or managed), as the decision does.
  const bought = (kind: string) => kind === 'api' || kind === 'managed';
  const frictionApplies = (kindA === 'self-hosted' && bought(kindB)) || (kindB === 'self-hosted' && bought(kindA));

  const difference: DifferenceOf = (p) => pairedRatioDifference(p.runs[nameA]!, p.runs[nameB]!);
  const frictionDifference: DifferenceOf = (p) => pairedRatioDifference(p.runs[nameA]!, p.runs[nameB]!, weight(kindA), weight(kindB));

  const evaluator = new PointEvaluator(study, options.param, run);
  const first = Array.from({ length: n }, (_, k) => (options.log ? lo * (hi / lo) ** (k / (n - 1)) : lo + ((hi - lo) * k) / (n - 1)));
  await evaluator.evaluate(first.map(numberText));
  const crossing = await findCrossing(evaluator, difference, tolerance, options.plans, '');
  const frictionCrossing: Crossing = frictionApplies
    ? await findCrossing(evaluator, frictionDifference, tolerance, options.plans, ` once the ${friction}× friction multiplier is applied to the self-hosted plan`)
    : { value: null, ci95: null, reason: `the friction rule weighs a self-hosted plan against an API or managed one; ${nameA} is ${kindA} and ${nameB} is ${kindB}` };
  const describe = (p: EvaluatedPoint): BreakevenPoint => ({
    value: p.x,
    difference: difference(p),
    ...(frictionApplies ? { frictionDifference: frictionDifference(p) } : {}),
    plans: p.plans.map((plan) => ({
      name: plan.name,
      kind: plan.kind,
      perSuccessfulRequest: plan.cost.pooledPerSuccessfulRequest,
      successRate: plan.successRate,
      capacityUtilization: plan.capacityUtilization,
      meetsTargets: meetsTargets(plan),
    })),
    recommended: p.decision.recommended,
  });
  const at = crossing.value === null ? undefined : (await evaluator.evaluate([numberText(crossing.value)]))[0]!;
  const points = evaluator.points().map(describe);
  // The crossings compare cost alone; the decision first excludes a plan that misses its SLO targets.
  const notes = options.plans.flatMap((name) => {
    const missing = points.filter((p) => p.plans.find((x) => x.name === name)?.meetsTargets === false).map((p) => p.value);
    if (missing.length === 0) return [];
    const where = missing.length === points.length ? 'at every value tried' : `at ${missing.length} of the ${points.length} values tried (${numberText(missing[0]!)} to ${numberText(missing[missing.length - 1]!)})`;
    return [`${name} misses its SLO targets ${where}, and a plan that misses them is not recommended whatever it costs`];
  });
  return {
    ...resultHeader(study, 'breakeven'),
    param: options.param,
    range: options.range,
    plans: options.plans,
    seeds: study.seeds,
    tolerance,
    friction,
    crossing,
    frictionCrossing,
    ...(at ? { atCrossing: describe(at) } : {}),
    points,
    notes,
  };
}
