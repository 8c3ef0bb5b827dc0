/**
 * The event queue: a binary min-heap over (time, insertion sequence).
 *
 * The heap itself holds two typed columns, each event's time and its slot; what an event is
 * (kind, target, generation, sequence) stays in its slot while the heap moves the event
 * about, so a sift moves two numbers a level instead of five. Slots are reused through a
 * free stack, and every column grows by doubling, so scheduling and popping allocate
 * nothing. Equal times pop in insertion order (the sequence, read through the slot only when
 * two times tie); that is the only tie rule, so runs are deterministic. A popped event is
 * read from the `top*` fields, which are valid until the next pop.
 *
 * Imports nothing of the domain.
 */
import { grown } from './columns.js';

const INITIAL_CAPACITY = 64;

export class EventQueue {
  // The heap: position i holds an event's time and the slot that describes it.
  private times = new Float64Array(INITIAL_CAPACITY);
  private slots = new Int32Array(INITIAL_CAPACITY);
  // By slot: what the event is, and its insertion sequence (for ties).
  private kinds = new Int32Array(INITIAL_CAPACITY);
  private targets = new Int32Array(INITIAL_CAPACITY);
  private gens = new Int32Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  /** Slots not in use, a stack of `freeCount`: always as many as the heap has room for beyond `count`. */
  private free = Int32Array.from({ length: INITIAL_CAPACITY }, (_, i) => INITIAL_CAPACITY - 1 - i);
  private freeCount = INITIAL_CAPACITY;
  private count = 0;
  private nextSeq = 0;

  topTime = 0;
  topKind = 0;
  topTarget = 0;
  topGen = 0;

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.times[0]!;
  }

  push(time: number, kind: number, target: number, gen: number): void {
    if (this.count === this.times.length) this.grow();
    const slot = this.free[--this.freeCount]!;
    this.kinds[slot] = kind;
    this.targets[slot] = target;
    this.gens[slot] = gen;
    const seq = this.nextSeq++;
    this.seqs[slot] = seq;
    // Sift up: move parents down until the hole is where the new event belongs.
    const times = this.times;
    const slots = this.slots;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && this.seqs[slots[parent]!]! < seq)) break;
      times[i] = pt;
      slots[i] = slots[parent]!;
      i = parent;
    }
    times[i] = time;
    slots[i] = slot;
  }

  /** Removes the earliest event into the `top*` fields. Returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const times = this.times;
    const slots = this.slots;
    const top = slots[0]!;
    this.topTime = times[0]!;
    this.topKind = this.kinds[top]!;
    this.topTarget = this.targets[top]!;
    this.topGen = this.gens[top]!;
    this.free[this.freeCount++] = top;
    const last = --this.count;
    if (last === 0) return true;
    const time = times[last]!;
    const slot = slots[last]!;
    // Sift down the former last event from the root.
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      const right = left + 1;
      let child = left;
      let ct = times[left]!;
      if (right < last) {
        const rt = times[right]!;
        if (rt < ct || (rt === ct && this.seqs[slots[right]!]! < this.seqs[slots[left]!]!)) {
          child = right;
          ct = rt;
        }
      }
      if (time < ct || (time === ct && this.seqs[slot]! < this.seqs[slots[child]!]!)) break;
      times[i] = ct;
      slots[i] = slots[child]!;
      i = child;
    }
    times[i] = time;
    slots[i] = slot;
    return true;
  }

  /** Doubles every column; the new slots go on the free stack (which is empty when the heap is full). */
  private grow(): void {
    const n = this.times.length;
    this.times = grown(this.times, 2 * n);
    this.slots = grown(this.slots, 2 * n);
    this.kinds = grown(this.kinds, 2 * n);
    this.targets = grown(this.targets, 2 * n);
    this.gens = grown(this.gens, 2 * n);
    this.seqs = grown(this.seqs, 2 * n);
    this.free = new Int32Array(2 * n);
    for (let k = 0; k < n; k++) this.free[k] = 2 * n - 1 - k;
    this.freeCount = n;
  }
}
