/**
 * A cell's inputs on their way to a worker thread, and as the worker keeps them. Objects
 * that cross a thread boundary (by structured clone, or the V8 serializer it uses) run the
 * simulation ~6% slower than the ones the main thread parsed: their strings are not
 * internalized (so the hot loop's comparisons of names and kinds compare characters
 * instead of pointers), and whole numbers may come back boxed as doubles. Measured (AMD EPYC, Node 20, 2026-11-24, the default
 * scenario's four plans, 80 one-day seeds, six alternating runs): 17.75 ms a cell with the
 * parsed scenario, 18.64 with a cloned one, 17.46 with the clone rebuilt here.
 *
 * So the main thread serializes each scenario and price book once and numbers it
 * (`InputSender`), and a worker reads and rebuilds each number once (`ThreadInputs`,
 * `rebuiltHere`): later cells of the same inputs use its copy.
 */
import { createRequire } from 'node:module';
import type { CellTask } from './run-cell.js';

/**
 * Node's v8 module loaded when the first input is sent or read, not with this module:
 * loading it is ~2 ms of start-up, and a run on one thread never needs it (issue 17).
 */
const require = createRequire(import.meta.url);
const v8 = (): typeof import('node:v8') => require('node:v8') as typeof import('node:v8');

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
    // (Assigning to "__proto__" would set the prototype rather than make a field. A key
    // needs no `internalized`: V8 internalizes a property name when it is stored.)
    if (key === '__proto__') Object.defineProperty(copy, key, { value: field, writable: true, enumerable: true, configurable: true });
    else copy[key] = field;
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

/** An input as it travels to a worker: its number on the sending thread, and its serialized bytes. */
export interface SentInput {
  readonly id: number;
  readonly bytes: Uint8Array;
}

/**
 * Errors lose their class when they cross the thread boundary: a worker marks bad input
 * with this in the message, for the main thread to recognize.
 */
export const INPUT_ERROR_MARK = 'capsim-bad-input: ';

/** A cell as the main thread sends it to a worker: its scenario and prices as `SentInput`s. */
export interface WireTask {
  readonly scenario: SentInput;
  readonly costs: SentInput;
  readonly planIndex: number;
  readonly seed: number;
  readonly compact?: boolean;
  readonly withSeries?: boolean;
}

/**
 * The sending side: each scenario and price book is numbered and serialized once (V8's
 * serializer, the format structured cloning uses), so a task carries a few kilobytes of
 * bytes instead of an object graph for the main thread to walk and clone again each cell.
 */
export class InputSender {
  private readonly sent = new WeakMap<object, SentInput>();
  private next = 1;

  wire({ scenario, costs, ...rest }: CellTask): WireTask {
    return { scenario: this.input(scenario), costs: this.input(costs), ...rest };
  }

  private input(value: object): SentInput {
    let input = this.sent.get(value);
    if (input === undefined) this.sent.set(value, (input = { id: this.next++, bytes: new Uint8Array(v8().serialize(value)) }));
    return input;
  }
}

/** How many rebuilt inputs a worker keeps: a sweep's neighbouring points meet at its boundaries. */
const KEPT = 8;

/** The receiving side: a worker's rebuilt copies of the inputs it has been sent, the most recent few. */
export class ThreadInputs {
  private readonly kept = new Map<number, unknown>();

  /** The cell `task` names, on this thread's copies of its scenario and prices (read and rebuilt on first sight). */
  local({ scenario, costs, ...rest }: WireTask): CellTask {
    return { scenario: this.copy(scenario), costs: this.copy(costs), ...rest };
  }

  private copy<T>(input: SentInput): T {
    let copy = this.kept.get(input.id) as T | undefined;
    if (copy === undefined) {
      copy = rebuiltHere(v8().deserialize(input.bytes) as T);
      this.kept.set(input.id, copy);
      if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!);
    }
    return copy;
  }
}
