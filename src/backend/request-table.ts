/**
 * The run's one table of requests in flight, as typed columns indexed by a request id. The
 * plan runtime adds a request when it arrives and releases it after its one terminal
 * outcome; ids are recycled through a free list, so memory follows the requests in flight,
 * not the requests seen.
 *
 * The first columns describe the request (arrival, lengths, class) and are written once.
 * The working columns belong to whichever backend holds the request now: a backend calls
 * `resetWork` when a request is submitted to it, so a request re-routed elsewhere starts
 * clean (its prompt is prefilled again).
 */
import { grown } from '../engine/index.js';

export type ReqId = number;

export class RequestTable {
  arrival = new Float64Array(256);
  prompt = new Int32Array(256);
  output = new Int32Array(256);
  /** Output tokens produced so far. */
  generated = new Int32Array(256);
  /** Tokens whose KV is in the cache. */
  kvTokens = new Int32Array(256);
  /** Tokens to prefill before the next token: the prompt, or prompt + generated after a preemption. */
  prefillTarget = new Int32Array(256);
  prefillDone = new Int32Array(256);
  /** When the backend holding it now was given it. */
  submitted = new Float64Array(256);
  /** When the request first left the queue (NaN before). */
  admitted = new Float64Array(256);
  /** When its first token was produced (NaN before). */
  firstToken = new Float64Array(256);
  /** The request's class (workload/). */
  classId = new Int32Array(256);
  /** 1 for work that may wait (batch priority on a fleet): admitted only into room interactive work leaves. */
  lowPriority = new Uint8Array(256);
  /** When low-priority work must be done by (Infinity: no deadline). */
  deadline = new Float64Array(256);
  /** API backends: calls made for this request so far. */
  attempt = new Int32Array(256);
  /** 1 while the request is in flight (between add and release), for catching double outcomes. */
  live = new Uint8Array(256);
  private free: number[] = [];
  private next = 0;

  add(arrival: number, prompt: number, output: number, classId = 0): ReqId {
    const id = this.free.length > 0 ? this.free.pop()! : this.next++;
    if (id >= this.arrival.length) this.grow();
    this.arrival[id] = arrival;
    this.prompt[id] = prompt;
    this.output[id] = output;
    this.classId[id] = classId;
    this.firstToken[id] = NaN;
    this.lowPriority[id] = 0;
    this.deadline[id] = Infinity;
    this.live[id] = 1;
    this.resetWork(id, arrival);
    return id;
  }

  /** Clears the working columns: the request starts over at the backend that takes it now. */
  resetWork(id: ReqId, now: number): void {
    this.submitted[id] = now;
    this.generated[id] = 0;
    this.kvTokens[id] = 0;
    this.prefillTarget[id] = this.prompt[id]!;
    this.prefillDone[id] = 0;
    this.admitted[id] = NaN;
    this.attempt[id] = 0;
  }

  release(id: ReqId): void {
    this.live[id] = 0;
    this.free.push(id);
  }

  isLive(id: ReqId): boolean {
    return this.live[id] === 1;
  }

  /** Slots ever allocated (a bound on requests in flight at once). */
  get capacity(): number {
    return this.next;
  }

  private grow(): void {
    const n = this.arrival.length * 2;
    this.arrival = grown(this.arrival, n);
    this.admitted = grown(this.admitted, n);
    this.submitted = grown(this.submitted, n);
    this.firstToken = grown(this.firstToken, n);
    this.prompt = grown(this.prompt, n);
    this.output = grown(this.output, n);
    this.generated = grown(this.generated, n);
    this.kvTokens = grown(this.kvTokens, n);
    this.prefillTarget = grown(this.prefillTarget, n);
    this.prefillDone = grown(this.prefillDone, n);
    this.classId = grown(this.classId, n);
    this.attempt = grown(this.attempt, n);
    this.lowPriority = grown(this.lowPriority, n);
    this.deadline = grown(this.deadline, n);
    this.live = grown(this.live, n);
  }
}

/** A FIFO of request ids that can also take an id at its front. */
export class IdDeque {
  private items = new Int32Array(64);
  private head = 0;
  length = 0;

  pushBack(id: ReqId): void {
    if (this.length === this.items.length) this.grow();
    this.items[(this.head + this.length++) & (this.items.length - 1)] = id;
  }

  pushFront(id: ReqId): void {
    if (this.length === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = id;
    this.length++;
  }

  peekFront(): ReqId {
    return this.items[this.head]!;
  }

  popFront(): ReqId {
    const id = this.items[this.head]!;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.length--;
    return id;
  }

  at(i: number): ReqId {
    return this.items[(this.head + i) & (this.items.length - 1)]!;
  }

  private grow(): void {
    const n = this.items.length;
    const items = new Int32Array(2 * n);
    for (let i = 0; i < this.length; i++) items[i] = this.items[(this.head + i) & (n - 1)]!;
    this.items = items;
    this.head = 0;
  }
}
