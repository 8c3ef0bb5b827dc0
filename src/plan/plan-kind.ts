/**
 * What kind of plan this is, for the decision rule: a plan that runs a fleet of its own
 * (even beside an API) carries the friction of running it; API and managed plans do not.
 */
import type { Plan } from '../scenario/index.js';

export type PlanKind = 'api' | 'self-hosted' | 'managed' | 'other';

export function planKind(plan: Plan): PlanKind {
  const kinds = plan.backends.map((b) => (b.kind === 'fleet' ? (b.perf.kind === 'llm' ? 'self-hosted' : 'other') : b.kind));
  if (kinds.includes('self-hosted')) return 'self-hosted';
  if (kinds.every((k) => k === 'api')) return 'api';
  if (kinds.includes('managed')) return 'managed';
  return 'other';
}
