import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rebuiltHere, SentIds, ThreadInputs } from '../../src/experiment/thread-inputs.js';
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

describe('ThreadInputs', () => {
  const scenario = (name: string) => ({ name, plans: [{ name: 'p' }] }) as unknown as Scenario;
  const costs = (usd: number) => ({ gpuHourly: { a: usd } }) as unknown as CostBook;

  it('rebuilds a numbered scenario and price book once, and uses the copy for later cells', () => {
    const inputs = new ThreadInputs();
    const first = inputs.local({ ...cellTask(scenario('s'), costs(1), 0, 1), inputs: { scenario: 1, costs: 2 } });
    const again = inputs.local({ ...cellTask(scenario('s'), costs(1), 1, 2), inputs: { scenario: 1, costs: 2 } });
    expect(first.scenario).toStrictEqual(scenario('s'));
    expect(again.scenario).toBe(first.scenario);
    expect(again.costs).toBe(first.costs);
    expect([again.planIndex, again.seed]).toEqual([1, 2]);
    const other = inputs.local({ ...cellTask(scenario('t'), costs(3), 0, 1), inputs: { scenario: 3, costs: 4 } });
    expect(other.scenario.name).toBe('t');
    expect(other.costs).toStrictEqual(costs(3));
  });

  it('leaves a task without numbers as it came', () => {
    const task = cellTask(scenario('s'), costs(1), 0, 1);
    expect(new ThreadInputs().local(task)).toBe(task);
  });

  it('forgets the oldest copies past a few, and rebuilds one asked for again', () => {
    const inputs = new ThreadInputs();
    const at = (id: number) => inputs.local({ ...cellTask(scenario(`s${id}`), costs(id), 0, 1), inputs: { scenario: id, costs: 1000 } }).scenario;
    const kept = at(1);
    for (let id = 2; id <= 20; id++) at(id);
    const rebuilt = at(1);
    expect(rebuilt).not.toBe(kept);
    expect(rebuilt).toStrictEqual(kept);
    expect(at(20)).toBe(at(20));
  });
});

describe('SentIds', () => {
  it('numbers each object once, and different objects apart', () => {
    const ids = new SentIds();
    const a = {};
    const b = {};
    expect(ids.of(a)).toBe(ids.of(a));
    expect(ids.of(b)).not.toBe(ids.of(a));
  });
});
