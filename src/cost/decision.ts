/**
 * Which plan to recommend. Two rules, in order:
 *
 * 1. **Eligibility.** A plan must meet its SLO targets: for every request class with a
 *    target, the mean over runs of the share of arrived requests that succeeded (completed
 *    within the SLO) is at least the target. A plan that misses is excluded, with the
 *    reason in words. A plan whose cost per successful request is zero or undefined (it
 *    bills nothing, or nothing succeeded) is never recommended on cost.
 * 2. **The articles' friction rule**, made explicit: a plan that runs its own fleet is
 *    recommended over an API or managed plan only when that plan costs more than the
 *    self-hosted one times a friction multiplier (default 1.5, for the debugging time,
 *    missed features and slower iteration that the bill does not show;
 *    llm-inference-economics-2026, "The Break-Even Calculation"). API and managed plans
 *    compare with each other at face value. Costs are per successful request.
 *
 * Pure.
 */
import type { PlanKind } from '../plan/index.js';

/** How one request class of a plan did against its target. */
export interface ClassAttainment {
  readonly name: string;
  /** Mean over runs of succeeded / arrived. */
  readonly achieved: number;
  /** The share that must succeed; undefined when the class has no SLO. */
  readonly target: number | undefined;
}

export interface PlanCost {
  readonly name: string;
  readonly kind: PlanKind;
  /** Mean over runs of cost per successful request (USD). */
  readonly perSuccessfulRequest: number;
  readonly classes?: readonly ClassAttainment[];
}

export interface Exclusion {
  readonly plan: string;
  readonly reason: string;
}

export interface Decision {
  readonly friction: number;
  /** The cheapest eligible plan per successful request, before friction. */
  readonly cheapest: string | undefined;
  readonly recommended: string | undefined;
  /** Which rule decided, in words. */
  readonly rule: string;
  /** Plans that could not be recommended, and why. */
  readonly excluded: readonly Exclusion[];
  /** When no plan is eligible: the one that came closest to its targets. */
  readonly closest?: string | undefined;
}

const fmt = (x: number) => Number(x.toPrecision(3)).toString();
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The first class that misses its target, as a reason; undefined when every class meets it. */
function missedTarget(plan: PlanCost): string | undefined {
  const classes = plan.classes ?? [];
  for (const c of classes) {
    if (c.target === undefined || c.achieved >= c.target) continue;
    const who = classes.length > 1 ? ` of class ${c.name}` : '';
    return `${pct(c.achieved)} of requests${who} succeeded within the SLO, target ${fmt(100 * c.target)}%`;
  }
  return undefined;
}

/** How close a plan came to its targets: the worst class's achieved / target. */
function closeness(plan: PlanCost): number {
  let worst = Infinity;
  for (const c of plan.classes ?? []) if (c.target !== undefined) worst = Math.min(worst, c.achieved / c.target);
  return Number.isFinite(worst) ? worst : 1;
}

export function decide(plans: readonly PlanCost[], friction: number): Decision {
  const excluded: Exclusion[] = [];
  const eligible: PlanCost[] = [];
  const missed: PlanCost[] = [];
  for (const p of plans) {
    const miss = missedTarget(p);
    if (miss) {
      excluded.push({ plan: p.name, reason: miss });
      missed.push(p);
    } else if (!Number.isFinite(p.perSuccessfulRequest)) excluded.push({ plan: p.name, reason: 'no request succeeded, so it has no cost per successful request' });
    else if (!(p.perSuccessfulRequest > 0)) excluded.push({ plan: p.name, reason: 'it bills nothing, so cost cannot rank it' });
    else eligible.push(p);
  }
  const cheapestOf = (ps: readonly PlanCost[]) => ps.reduce<PlanCost | undefined>((best, p) => (best === undefined || p.perSuccessfulRequest < best.perSuccessfulRequest ? p : best), undefined);
  const cheapest = cheapestOf(eligible);
  if (!cheapest) {
    const closest = missed.reduce<PlanCost | undefined>((best, p) => (best === undefined || closeness(p) > closeness(best) ? p : best), undefined);
    const rule =
      plans.length === 0 ? 'no plans' : closest ? `no plan meets its SLO target; the closest is ${closest.name} (${missedTarget(closest)})` : 'no plan can be ranked on cost';
    return { friction, cheapest: undefined, recommended: undefined, rule, excluded, closest: closest?.name };
  }
  const self = cheapestOf(eligible.filter((p) => p.kind === 'self-hosted'));
  const bought = cheapestOf(eligible.filter((p) => p.kind === 'api' || p.kind === 'managed'));
  if (!self || !bought) {
    return { friction, cheapest: cheapest.name, recommended: cheapest.name, rule: 'cheapest per successful request among the plans that meet their SLO targets (no self-hosted versus API comparison to make)', excluded };
  }
  const ratio = bought.perSuccessfulRequest / self.perSuccessfulRequest;
  const what = bought.kind === 'api' ? 'API' : 'managed';
  if (ratio > friction) {
    return {
      friction,
      cheapest: cheapest.name,
      recommended: self.name,
      rule: `self-host: the cheapest ${what} plan (${bought.name}) costs ${fmt(ratio)}× the cheapest self-hosted plan (${self.name}) per successful request, more than the ${friction}× friction multiplier`,
      excluded,
    };
  }
  return {
    friction,
    cheapest: cheapest.name,
    recommended: bought.name,
    rule:
      ratio >= 1
        ? `${what}: the cheapest self-hosted plan (${self.name}) saves only ${fmt(ratio)}× over the cheapest ${what} plan (${bought.name}), not more than the ${friction}× friction multiplier`
        : `${what}: the cheapest ${what} plan (${bought.name}) already costs less than any self-hosted plan (${fmt(1 / ratio)}× cheaper than ${self.name})`,
    excluded,
  };
}
