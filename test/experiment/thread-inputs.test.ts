import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputSender, rebuiltHere, ThreadInputs } from '../../src/experiment/thread-inputs.js';
import { cellTask } from '../../src/experiment/run-cell.js';
import type { CostBook } from '../../src/cost/index.js';
import type { Scenario } from '../../src/scenario/index.js';

/** Scenario-like data: nested objects and arrays of the values a clone can carry. */
const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(0, -0, 1, -1, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 0.9, 1e300, NaN, Infinity, -Infinity, undefined, null, true, false, '', '0', '12', 'kind', 'lognormal'),
    fc.double(),
    fc.integer(),
    fc.string(),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('0', '7', '__proto__', 'name')), tie('value'), { maxKeys: 5 }),
}));

describe('rebuiltHere', () => {
  it('gives an equal value, key order and all, made of new objects', () => {
    fc.assert(
      fc.property(data.value, (value) => {
        // What a worker receives is a clone; its copy must be the same value in every respect.
        const received = structuredClone(value);
        const copy = rebuiltHere(received);
        expect(copy).toStrictEqual(received);
        // toStrictEqual treats key order as irrelevant; the simulation's output does not.
        expect(JSON.stringify(copy)).toBe(JSON.stringify(received));
        if (typeof received === 'object' && received !== null) expect(copy).not.toBe(received);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps −0, NaN, fields that are undefined, holes, and what is not a plain object', () => {
    const typed = new Float64Array([1, 2]);
    const map = new Map([['a', 1]]);
    // eslint-disable-next-line no-sparse-arrays
    const value = { a: -0, b: NaN, c: undefined, d: [1, , 3], e: typed, f: map, g: { h: [{ i: 'x' }] } };
    const copy = rebuiltHere(value);
    expect(Object.is(copy.a, -0)).toBe(true);
    expect(copy.b).toBeNaN();
    expect('c' in copy).toBe(true);
    expect(1 in copy.d).toBe(false);
    expect(copy.d).toHaveLength(3);
    expect(copy.e).toBe(typed);
    expect(copy.f).toBe(map);
    expect(copy.g).toStrictEqual(value.g);
    expect(copy.g.h[0]).not.toBe(value.g.h[0]);
  });
});

describe('InputSender and ThreadInputs', () => {
  const scenario = (name: string) => ({ name, plans: [{ name: 'p', weights: [1, 0.5, -0] }] }) as unknown as Scenario;
  const costs = (usd: number) => ({ gpuHourly: { a: usd } }) as unknown as CostBook;

  it('bring a cell to a worker whole: its scenario, prices, plan, seed, compactness and series wanted', () => {
    const task = { ...cellTask(scenario('s'), costs(1), 2, 7), compact: true, withSeries: true };
    const cell = new ThreadInputs().local(new InputSender().wire(task));
    expect(cell).toStrictEqual(task);
    expect(Object.is((cell.scenario.plans[0] as unknown as { weights: number[] }).weights[2], -0)).toBe(true);
    expect('compact' in new ThreadInputs().local(new InputSender().wire(cellTask(scenario('s'), costs(1), 0, 1)))).toBe(false);
  });

  it('serialize each input once, and a worker reads and rebuilds it once, for every cell of the same inputs', () => {
    const sender = new InputSender();
    const inputs = new ThreadInputs();
    const s = scenario('s');
    const c = costs(1);
    const first = sender.wire(cellTask(s, c, 0, 1));
    const again = sender.wire(cellTask(s, c, 1, 2));
    expect(again.scenario).toBe(first.scenario);
    expect(again.costs).toBe(first.costs);
    const one = inputs.local(first);
    const two = inputs.local(structuredClone(again));
    expect(two.scenario).toBe(one.scenario);
    expect(two.costs).toBe(one.costs);
    expect([two.planIndex, two.seed]).toEqual([1, 2]);
    // Another scenario object is another input, even with the same content.
    const other = sender.wire(cellTask(scenario('s'), c, 0, 1));
    expect(other.scenario.id).not.toBe(first.scenario.id);
    expect(inputs.local(other).scenario).not.toBe(one.scenario);
  });

  it('keep the most recent few copies, and rebuild one asked for again', () => {
    const sender = new InputSender();
    const inputs = new ThreadInputs();
    const c = costs(1);
    const tasks = Array.from({ length: 20 }, (_, i) => sender.wire(cellTask(scenario(`s${i}`), c, 0, 1)));
    const kept = inputs.local(tasks[0]!).scenario;
    for (const task of tasks) expect(inputs.local(task).scenario.name).toBe(inputs.local(task).scenario.name);
    expect(inputs.local(tasks[19]!).scenario).toBe(inputs.local(tasks[19]!).scenario);
    const rebuilt = inputs.local(tasks[0]!).scenario;
    expect(rebuilt).not.toBe(kept);
    expect(rebuilt).toStrictEqual(kept);
  });
});
