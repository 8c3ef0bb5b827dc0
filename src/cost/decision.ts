/**
 * The articles' decision rule, made explicit: self-hosting is recommended over an API
 * only when the API costs more than the self-hosted plan times a friction multiplier
 * (default 1.5, for the debugging time, missed features and slower iteration that the
 * bill does not show; llm-inference-economics-2026, "The Break-Even Calculation").
 * Costs are compared per successful request. Pure.
 */
export type PlanKind = 'api' | 'self-hosted' | 'managed' | 'other';

export interface PlanCost {
  readonly name: string;
  readonly kind: PlanKind;
  /** Mean over runs of cost per successful request (USD). */
  readonly perSuccessfulRequest: number;
}

export interface Decision {
  readonly friction: number;
  readonly cheapest: string | undefined;
  readonly recommended: string | undefined;
  /** Which rule decided, in words. */
  readonly rule: string;
}

export function decide(plans: readonly PlanCost[], friction: number): Decision {
  const finite = plans.filter((p) => Number.isFinite(p.perSuccessfulRequest));
  const cheapestOf = (ps: readonly PlanCost[]) => ps.reduce<PlanCost | undefined>((best, p) => (best === undefined || p.perSuccessfulRequest < best.perSuccessfulRequest ? p : best), undefined);
  const cheapest = cheapestOf(finite);
  const api = cheapestOf(finite.filter((p) => p.kind === 'api'));
  const self = cheapestOf(finite.filter((p) => p.kind === 'self-hosted'));
  if (!cheapest) return { friction, cheapest: undefined, recommended: undefined, rule: 'no plan completed any request' };
  if (!api || !self) {
    return { friction, cheapest: cheapest.name, recommended: cheapest.name, rule: `cheapest per successful request (no API-versus-self-hosted comparison to make)` };
  }
  const ratio = api.perSuccessfulRequest / self.perSuccessfulRequest;
  const fmt = (x: number) => Number(x.toPrecision(3)).toString();
  if (ratio > friction) {
    return {
      friction,
      cheapest: cheapest.name,
      recommended: self.name,
      rule: `self-host: the cheapest API plan (${api.name}) costs ${fmt(ratio)}× the cheapest self-hosted plan (${self.name}) per successful request, more than the ${friction}× friction multiplier`,
    };
  }
  return {
    friction,
    cheapest: cheapest.name,
    recommended: api.name,
    rule:
      ratio >= 1
        ? `API: the cheapest self-hosted plan (${self.name}) saves only ${fmt(ratio)}× over the cheapest API plan (${api.name}), not more than the ${friction}× friction multiplier`
        : `API: the cheapest API plan (${api.name}) already costs less than any self-hosted plan (${fmt(1 / ratio)}× cheaper than ${self.name})`,
  };
}
