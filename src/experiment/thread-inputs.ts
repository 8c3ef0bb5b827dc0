/**
 * A cell's inputs as a worker thread keeps them. Every task brings its scenario and prices
 * by structured clone, and the objects a clone makes run the simulation ~6% slower than the
 * ones the main thread parsed: their strings are not internalized (so the hot loop's
 * comparisons of names and kinds compare characters instead of pointers), and whole numbers
 * may come back boxed as doubles. Measured (AMD EPYC, Node 20, 2026-11-24, the default
 * scenario's four plans, 80 one-day seeds, six alternating runs): 17.75 ms a cell with the
 * parsed scenario, 18.64 with a cloned one, 17.46 with the clone rebuilt here.
 *
 * So a worker rebuilds each scenario and price book once (`rebuiltHere`) and keeps the
 * copy under the number the main thread gave the original (`SentIds`): later cells of
 * the same inputs use the copy.
 */
import type { CellTask } from './run-cell.js';

/** The largest whole number V8 keeps unboxed (a 31-bit small integer) on every platform. */
const SMALL_INTEGER_MAX = 2 ** 30 - 1;
const SMALL_INTEGER_MIN = -(2 ** 30);

/**
 * `value` rebuilt from this thread's own objects: plain objects and arrays copied with their
 * keys in the same order (and any holes), strings internalized, whole numbers that fit made
 * small integers. The copy is equal to the original in every respect JavaScript can observe
 * (−0, NaN, undefined fields kept); anything but a plain object or array (a typed array, a
 * Map) is kept as it is.
 */
export function rebuiltHere<T>(value: T): T {
  return rebuild(value) as T;
}

function rebuild(value: unknown): unknown {
  if (typeof value === 'string') return internalized(value);
  if (typeof value === 'number') return isSmallInteger(value) ? value | 0 : value;
  if (Array.isArray(value)) return value.map(rebuild);
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = rebuild((value as Record<string, unknown>)[key]);
    // (Assigning to "__proto__" would set the prototype rather than make a field.)
    if (key === '__proto__') Object.defineProperty(copy, key, { value: field, writable: true, enumerable: true, configurable: true });
    else copy[internalized(key)] = field;
  }
  return copy;
}

function isSmallInteger(x: number): boolean {
  return Number.isInteger(x) && x >= SMALL_INTEGER_MIN && x <= SMALL_INTEGER_MAX && !Object.is(x, -0);
}

/** The engine's one copy of a string: a property name is always internalized in V8. */
function internalized(text: string): string {
  return Object.keys({ [text]: 0 })[0]!;
}

/** Numbers for the objects a thread sends, so a receiver can tell one it has seen. */
export class SentIds {
  private readonly ids = new WeakMap<object, number>();
  private next = 1;

  of(value: object): number {
    let id = this.ids.get(value);
    if (id === undefined) this.ids.set(value, (id = this.next++));
    return id;
  }
}

/** Which scenario and price book a task carries, by the sending thread's numbers. */
export interface InputIds {
  readonly scenario: number;
  readonly costs: number;
}

/** How many rebuilt inputs a worker keeps: a sweep's neighbouring points meet at its boundaries. */
const KEPT = 8;

/** A worker's rebuilt copies of the inputs it has been sent, the most recent few. */
export class ThreadInputs {
  private readonly kept = new Map<number, unknown>();

  /** `task` with its scenario and prices replaced by this thread's copies (made on first sight), when it numbers them. */
  local(task: CellTask): CellTask {
    const ids = task.inputs;
    if (ids === undefined) return task;
    return { ...task, scenario: this.copy(ids.scenario, task.scenario), costs: this.copy(ids.costs, task.costs) };
  }

  private copy<T>(id: number, sent: T): T {
    let copy = this.kept.get(id) as T | undefined;
    if (copy === undefined) {
      copy = rebuiltHere(sent);
      this.kept.set(id, copy);
      if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!);
    }
    return copy;
  }
}
