import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { PooledLatencies, RunTable, runScenario, summarizeRuns, type PlanRunResult, type ScenarioRuns } from '../../src/experiment/index.js';
import { parseScenario } from '../../src/scenario/index.js';

const scenario = parseScenario(readFileSync('workloads/growing-product.yaml', 'utf8'), 'growing', { overrides: ['seeds=4', 'horizon=62d'] });
const whole = runScenario(scenario);

/** The same runs gathered into tables in another order (as worker threads finish them). */
function gatheredInOrder(runs: ScenarioRuns, order: (n: number) => number[]): ScenarioRuns {
  return {
    ...runs,
    plans: runs.plans.map((p) => {
      const table = new RunTable(p.runs!.length);
      const pooled = new PooledLatencies();
      for (const row of order(p.runs!.length)) {
        table.set(row, p.runs![row]!);
        pooled.add(p.runs![row]!);
      }
      return { ...p, table, pooled, runs: undefined };
    }),
  };
}

describe('a plan\'s runs kept as columns', () => {
  test('summarize to the same bytes whatever order the runs arrive in', () => {
    const expected = JSON.stringify(summarizeRuns(whole));
    const reversed = gatheredInOrder(whole, (n) => Array.from({ length: n }, (_, i) => n - 1 - i));
    const shuffled = gatheredInOrder(whole, (n) => Array.from({ length: n }, (_, i) => (i * 3 + 2) % n));
    expect(JSON.stringify(summarizeRuns(reversed))).toBe(expected);
    expect(JSON.stringify(summarizeRuns(shuffled))).toBe(expected);
  });

  test('hold each run\'s numbers under their paths, line items summed by id, months included', () => {
    const plan = whole.plans[0]!;
    const runs = plan.runs!;
    const r: PlanRunResult = runs[2]!;
    expect(plan.table.value('cost.total', 2)).toBe(r.cost.total);
    expect(plan.table.value('classes.0.failedBy.timedOut', 2)).toBe(r.classes[0]!.failedBy.timedOut);
    for (const id of new Set(r.cost.items.map((i) => i.id))) {
      const usd = r.cost.items.filter((i) => i.id === id).reduce((a, i) => a + i.usd, 0);
      expect(plan.table.value(`cost.items#${id}`, 2)).toBe(usd);
    }
    expect(r.months!.length).toBeGreaterThan(1);
    expect(plan.table.value('months.1.cost.total', 2)).toBe(r.months![1]!.cost.total);
    expect(plan.table.itemIds('cost.items')).toEqual([...new Set(runs.flatMap((x) => x.cost.items.map((i) => i.id)))].sort());
    // No buckets and no time series but the band's fields: a few hundred numbers a run.
    expect(plan.table.value('latency.e2e.count', 2)).toBe(r.latency.e2e.count);
    expect(plan.table.values('timeSeries.fields.arrivals.0').every(Number.isNaN)).toBe(true);
  });

  test('the time series shown is the run with the median cost per successful request (the lower of two), whole', () => {
    const summary = summarizeRuns(whole);
    whole.plans.forEach((p, k) => {
      const byCost = [...p.runs!].sort((a, b) => a.cost.perSuccessfulRequest - b.cost.perSuccessfulRequest || a.seed - b.seed);
      const median = byCost[Math.floor((byCost.length - 1) / 2)]!;
      expect(byCost.length % 2).toBe(0);
      expect(summary.plans[k]!.timeSeries!.seed).toBe(median.seed);
      expect(summary.plans[k]!.timeSeries!.fields).toEqual(median.timeSeries!.fields);
    });
  });

  test('a field a run lacks reads as NaN, or as the value given for missing counts', () => {
    const table = new RunTable(2);
    const [a, b] = whole.plans[0]!.runs!;
    table.set(1, b!);
    expect(table.complete).toBe(false);
    table.set(0, { ...a!, uncertain: { 'workload.growth': 0.5 } });
    expect(table.complete).toBe(true);
    expect(table.values('uncertain.workload.growth')).toEqual([0.5, NaN]);
    expect(table.values('uncertain.workload.growth', 0)).toEqual([0.5, 0]);
    expect(() => table.set(2, a!)).toThrow(RangeError);
    expect(() => table.set(1, a!)).toThrow(/already/);

    // A field every run so far had with one value, which a later run lacks.
    const three = new RunTable(3);
    const drew = { ...a!, uncertain: { x: 1 } };
    three.set(0, drew);
    three.set(2, drew);
    three.set(1, a!);
    expect(three.values('uncertain.x')).toEqual([1, NaN, 1]);
    expect(three.values('seed')).toEqual([a!.seed, a!.seed, a!.seed]);
    expect(three.value('uncertain.x', 1)).toBeNaN();
    // A value that differs only in sign (0 and -0) is kept as it was.
    const signs = new RunTable(2);
    signs.set(0, { ...a!, commitmentOwed: 0 });
    signs.set(1, { ...a!, commitmentOwed: -0 });
    expect(Object.is(signs.value('commitmentOwed', 1), -0)).toBe(true);
  });
});
