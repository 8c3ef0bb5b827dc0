/**
 * A plan's routing rules, compiled against its backends and the workload's classes, and
 * its classifier. Pure lookups; the plan runtime acts on them.
 *
 * Complexity labels are ordered as the workload's classes first name them, simplest first
 * (`simple` before `complex` when the simple class is listed first): a request is misrouted
 * when the classifier gave it a simpler label than its own and it reached the backend meant
 * for that simpler label.
 */
import type { Rng } from '../random/index.js';
import type { Plan } from '../scenario/index.js';
import type { ResolvedClass } from '../workload/index.js';

export interface CompiledRule {
  readonly index: number;
  readonly to: number;
  readonly overflow: { readonly to: number; readonly maxWait: number | undefined; readonly maxQueue: number | undefined } | undefined;
  readonly fallback: number | undefined;
  /** Low-priority work on a fleet (see the rule's `priority`). */
  readonly batch: boolean;
  /** Matches: a class id (undefined: any), a label index (undefined: any). */
  readonly classId: number | undefined;
  readonly label: number | undefined;
}

export interface CompiledClassifier {
  /** confusion[true][predicted]: the probability of each predicted label. */
  readonly confusion: readonly (readonly number[])[];
  readonly latency: number;
  readonly costPerCall: number;
  readonly outputTokens: number;
  readonly onMisroute: 'fail' | 'escalate';
}

/** No complexity label (a class without one). */
export const NO_LABEL = -1;

export class Router {
  readonly rules: readonly CompiledRule[];
  readonly labels: readonly string[];
  readonly classifier: CompiledClassifier | undefined;
  /** Each class's own label index (NO_LABEL when it has none). */
  readonly trueLabel: readonly number[];

  constructor(plan: Plan, classes: readonly ResolvedClass[]) {
    const routing = plan.routing;
    if (!routing) throw new Error(`plan ${plan.name} has no routing rules`);
    const backend = (name: string) => {
      const i = plan.backends.findIndex((b) => b.name === name);
      if (i < 0) throw new Error(`plan ${plan.name}: no backend named ${name}`);
      return i;
    };
    this.labels = [...new Set(classes.map((c) => c.complexity).filter((x): x is string => x !== undefined))];
    this.trueLabel = classes.map((c) => (c.complexity === undefined ? NO_LABEL : this.labels.indexOf(c.complexity)));
    this.rules = routing.rules.map((r, index) => ({
      index,
      to: backend(r.to),
      overflow: r.overflow ? { to: backend(r.overflow.to), maxWait: r.overflow.maxWait, maxQueue: r.overflow.maxQueue } : undefined,
      fallback: r.fallback !== undefined ? backend(r.fallback) : undefined,
      batch: r.priority === 'batch',
      classId: r.when?.class !== undefined ? classes.findIndex((c) => c.name === r.when!.class) : undefined,
      label: r.when?.complexity !== undefined ? this.labels.indexOf(r.when.complexity) : undefined,
    }));
    const c = routing.classifier;
    if (c) {
      const k = this.labels.length;
      const confusion = this.labels.map((truth, t) =>
        this.labels.map((predicted, p) => {
          if (c.confusion) return c.confusion[truth]?.[predicted] ?? 0;
          return p === t ? (k === 1 ? 1 : c.accuracy!) : (1 - c.accuracy!) / (k - 1);
        }),
      );
      this.classifier = { confusion, latency: c.latency, costPerCall: c.costPerCall, outputTokens: c.outputTokens, onMisroute: c.onMisroute };
    } else this.classifier = undefined;
  }

  /** The label the classifier gives a request of this class (its own label without a classifier). */
  classify(classId: number, rng: Rng): number {
    const truth = this.trueLabel[classId] ?? NO_LABEL;
    if (!this.classifier || truth === NO_LABEL) return truth;
    const row = this.classifier.confusion[truth]!;
    let u = rng();
    for (let p = 0; p < row.length; p++) {
      u -= row[p]!;
      if (u < 0) return p;
    }
    return truth;
  }

  /** The first rule that matches (validation makes sure one does). */
  ruleFor(classId: number, label: number): CompiledRule {
    for (const r of this.rules) {
      if ((r.classId === undefined || r.classId === classId) && (r.label === undefined || r.label === label)) return r;
    }
    throw new Error(`no routing rule for class ${classId}, label ${label}`);
  }
}
