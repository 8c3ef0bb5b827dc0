/**
 * The event queue: a binary min-heap over (time, insertion sequence).
 *
 * Events are four numbers (time, kind, target, generation) kept in parallel typed
 * columns that grow by doubling, so scheduling and popping allocate nothing. Equal times
 * pop in insertion order; that is the only tie rule, so runs are deterministic.
 * A popped event is read from the `top*` fields, which are valid until the next pop.
 *
 * Imports nothing of the domain.
 */
import { grown } from './columns.js';

export class EventQueue {
  private times = new Float64Array(64);
  private seqs = new Float64Array(64);
  private kinds = new Int32Array(64);
  private targets = new Int32Array(64);
  private gens = new Int32Array(64);
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
    const seq = this.nextSeq++;
    // Sift up: move parents down until the hole is where the new event belongs.
    let i = this.count++;
    const times = this.times;
    const seqs = this.seqs;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && seqs[parent]! < seq)) break;
      this.move(parent, i);
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.targets[i] = target;
    this.gens[i] = gen;
  }

  /** Removes the earliest event into the `top*` fields. Returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    this.topTime = times[0]!;
    this.topKind = this.kinds[0]!;
    this.topTarget = this.targets[0]!;
    this.topGen = this.gens[0]!;
    const last = --this.count;
    if (last === 0) return true;
    const time = times[last]!;
    const seq = seqs[last]!;
    const kind = this.kinds[last]!;
    const target = this.targets[last]!;
    const gen = this.gens[last]!;
    // Sift down the former last event from the root.
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      const right = left + 1;
      let child = left;
      if (right < last) {
        const lt = times[left]!;
        const rt = times[right]!;
        if (rt < lt || (rt === lt && seqs[right]! < seqs[left]!)) child = right;
      }
      const ct = times[child]!;
      if (time < ct || (time === ct && seq < seqs[child]!)) break;
      this.move(child, i);
      i = child;
    }
    times[i] = time;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.targets[i] = target;
    this.gens[i] = gen;
    return true;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.kinds[to] = this.kinds[from]!;
    this.targets[to] = this.targets[from]!;
    this.gens[to] = this.gens[from]!;
  }

  private grow(): void {
    const n = this.times.length * 2;
    this.times = grown(this.times, n);
    this.seqs = grown(this.seqs, n);
    this.kinds = grown(this.kinds, n);
    this.targets = grown(this.targets, n);
    this.gens = grown(this.gens, n);
  }
}
