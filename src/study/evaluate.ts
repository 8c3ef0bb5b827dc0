/**
 * The searches (breakeven, size, commit) try values of one scenario field as they go. A
 * `PointEvaluator` runs the study's plans and seeds at the values asked for (several at a
 * time, so a pool of threads stays busy), keeps what each point's summary and runs say, and
 * never runs a value twice.
 */
import { summarizeRuns, type PlanSummary } from '../experiment/index.js';
import type { Decision } from '../cost/index.js';
import type { Point } from './spec.js';
import { runPoints, type PointRunOptions, type Study } from './study.js';

/** Per plan, per seed (in seed order): what the searches compute with. */
export interface PlanRuns {
  readonly cost: readonly number[];
  readonly succeeded: readonly number[];
  readonly perMonth: readonly number[];
}

export interface EvaluatedPoint {
  /** The value as text (what `--set` was given). */
  readonly value: string;
  readonly x: number;
  readonly plans: readonly PlanSummary[];
  readonly decision: Decision;
  readonly runs: Readonly<Record<string, PlanRuns>>;
}

/** Whether a plan meets every class's SLO target (the decision's first rule). */
export function meetsTargets(plan: PlanSummary): boolean {
  return plan.classes.every((c) => c.target === undefined || c.successRate.mean >= c.target);
}

export class PointEvaluator {
  private readonly done = new Map<string, EvaluatedPoint>();
  private cellsDone = 0;
  private cellsAsked = 0;

  constructor(
    private readonly study: Study,
    readonly path: string,
    private readonly options: PointRunOptions,
  ) {}

  /** Every point evaluated so far, by value. */
  points(): EvaluatedPoint[] {
    return [...this.done.values()].sort((a, b) => a.x - b.x);
  }

  async evaluate(values: readonly string[]): Promise<EvaluatedPoint[]> {
    const fresh = [...new Set(values)].filter((v) => !this.done.has(v));
    if (fresh.length > 0) {
      const points: Point[] = fresh.map((value) => [{ path: this.path, value }]);
      this.cellsAsked += fresh.length * this.study.plans.length * this.study.seeds.length;
      await runPoints(this.study, points, { ...this.options, onProgress: () => this.options.onProgress?.(++this.cellsDone, this.cellsAsked) }, (index, runs) => {
        const summary = summarizeRuns(runs);
        const value = fresh[index]!;
        this.done.set(value, {
          value,
          x: Number(value),
          plans: summary.plans,
          decision: summary.decision,
          runs: Object.fromEntries(
            runs.plans.map((p) => [p.name, { cost: p.table.values('cost.total'), succeeded: p.table.values('requests.succeeded'), perMonth: p.table.values('cost.perMonth') }]),
          ),
        });
      });
    }
    return values.map((v) => this.done.get(v)!);
  }
}
