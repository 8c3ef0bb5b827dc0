/**
 * One self-hosted replica doing iteration-level (continuous) batching, as its serving
 * engine does (catalog/engines.ts).
 *
 * Requests wait in FIFO order (requests preempted earlier go first); at each step boundary
 * the scheduler admits from the front while the batch has room (`maxNumSeqs`), the step's
 * token budget allows (`maxNumBatchedTokens`) and free KV blocks suffice (FCFS: the first
 * request that does not fit stops admission). Prompts fit into steps one of three ways
 * (`prefill`): `alone`, newly admitted prompts prefilled in a step of their own while
 * decoding pauses (vLLM's V0 scheduler); `chunked`, each step decodes every running
 * sequence and fills the rest of the budget with prompt chunks (vLLM V1, SGLang); `whole`,
 * the same but a prompt is never split: one that does not fit the rest of the budget waits
 * for the next step (TensorRT-LLM). KV admission (`kvAdmission`): `prompt`, a request holds
 * the blocks its tokens fill, and when a decode step needs a block that is not free the
 * newest running request is preempted by recompute (its blocks freed, it rejoins the front
 * of the queue to prefill its prompt and the tokens it has produced); `full`, a request
 * holds blocks for its whole prompt and output from its first chunk on, so decoding never
 * runs out.
 *
 * Fast-forward: a batch that only decodes and does not change is one event, not one per
 * token. The replica computes in closed form (StepTimeModel.decodeSpanSeconds) when the
 * first of its sequences finishes or its KV cache fills, and is woken earlier only when an
 * arrival could join the batch; it then stops at the first step boundary after the
 * arrival. A per-step reference replica in test/serving/ checks that the two agree.
 *
 * Low-priority (batch) work waits in a queue of its own: it is admitted only when no
 * interactive request waits, it is preempted first when the KV cache runs out, and it
 * fails (`deadlineMissed`) if its deadline passes while it waits.
 */
import type { KvAdmission, PrefillPacking } from '../catalog/index.js';
import type { Simulation } from '../engine/index.js';
import { InvariantError } from '../engine/index.js';
import { overlap } from '../metrics/index.js';
import { BLOCK_TOKENS } from './memory.js';
import { IdDeque, type ReqId, type RequestTable } from '../backend/index.js';
import { firstBoundaryAtOrAfter, type StepTimeModel } from './step-time.js';

export interface SchedulerLimits {
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  /** How prompts fit into steps (catalog/engines.ts). */
  readonly prefill: PrefillPacking;
  /** When a request may start, for its KV cache (catalog/engines.ts). */
  readonly kvAdmission: KvAdmission;
}

/** What a replica tells its fleet. */
export interface ReplicaSink {
  onAdmit(id: ReqId, now: number): void;
  onFirstToken(id: ReqId, now: number): void;
  onFinish(id: ReqId, now: number): void;
  /** A request that waited past its queue timeout (or, batch work, its deadline); it failed at `deadline`. */
  onTimeout(id: ReqId, deadline: number, now: number, reason?: 'timedOut' | 'deadlineMissed'): void;
  /** The number of queued requests on this replica changed by `delta` (`batch`: low-priority ones). */
  onQueueChange(delta: number, now: number, batch?: boolean): void;
}

export interface LlmReplicaOptions {
  readonly index: number;
  readonly stepTime: StepTimeModel;
  readonly kvBlocks: number;
  readonly limits: SchedulerLimits;
  readonly queueTimeout: number | undefined;
  readonly window: { readonly from: number; readonly to: number };
}

export const blocksFor = (tokens: number): number => Math.ceil(tokens / BLOCK_TOKENS);

const IDLE = 0;
const STEP = 1;
const SPAN = 2;
/** Taken away (a preempted spot instance, a scaled-to-zero endpoint): holds nothing, plans nothing. */
const DOWN = 3;

export class LlmReplica {
  readonly waiting = new IdDeque();
  /** Low-priority work, admitted only when no interactive request waits. */
  readonly batchWaiting = new IdDeque();
  readonly preempted = new IdDeque();
  /** Admitted requests (prefilling or decoding), oldest admission first. */
  private readonly running: Int32Array;
  /** Prefill tokens assigned to running[i] in the step in progress. */
  private readonly chunk: Int32Array;
  private nRunning = 0;
  private usedBlocks = 0;

  private state = IDLE;
  // The mixed step being planned (planMixedStep): token budget left, prompt tokens taken, attention and KV read so far.
  private budget = 0;
  private chunkTokens = 0;
  private stepAttention = 0;
  private stepKvRead = 0;
  private wakeGen = 0;
  private phaseStart = 0;
  private spanSteps = 0;
  private spanInterrupted = false;
  private spanBatch = 0;
  private spanContext0 = 0;

  // Measurements over the window.
  busyTime = 0;
  batchArea = 0;
  kvArea = 0;
  steps = 0;
  spans = 0;
  preemptions = 0;
  /** Tokens whose KV a preemption dropped: prefilled again when the request is readmitted. */
  recomputedTokens = 0;

  private readonly sim: Simulation;
  private readonly table: RequestTable;
  private readonly sink: ReplicaSink;
  private readonly opts: LlmReplicaOptions;
  private readonly wakeKind: number;

  constructor(sim: Simulation, table: RequestTable, sink: ReplicaSink, opts: LlmReplicaOptions, wakeKind: number) {
    this.sim = sim;
    this.table = table;
    this.sink = sink;
    this.opts = opts;
    this.wakeKind = wakeKind;
    this.running = new Int32Array(opts.limits.maxNumSeqs);
    this.chunk = new Int32Array(opts.limits.maxNumSeqs);
  }

  /** Requests queued or running here (what a least-loaded dispatcher compares). */
  get outstanding(): number {
    return this.waiting.length + this.preempted.length + this.batchWaiting.length + this.nRunning;
  }

  get queued(): number {
    return this.waiting.length + this.preempted.length;
  }

  get runningCount(): number {
    return this.nRunning;
  }

  get kvBlocksUsed(): number {
    return this.usedBlocks;
  }

  get isDown(): boolean {
    return this.state === DOWN;
  }

  /**
   * Takes the replica away now: the step in progress is lost, and every request it holds
   * is returned (running ones first, oldest admission first) with its KV cache dropped, to
   * be prefilled again wherever it goes next.
   */
  evict(now: number): ReqId[] {
    const t = this.table;
    if (this.state === STEP || this.state === SPAN) this.account(this.phaseStart, now, this.usedBlocks);
    this.wakeGen++;
    const ids: ReqId[] = [];
    for (let i = 0; i < this.nRunning; i++) ids.push(this.running[i]!);
    while (this.preempted.length > 0) ids.push(this.preempted.popFront());
    while (this.waiting.length > 0) ids.push(this.waiting.popFront());
    const queued = ids.length - this.nRunning;
    if (queued > 0) this.sink.onQueueChange(-queued, now);
    const batch = this.batchWaiting.length;
    while (this.batchWaiting.length > 0) ids.push(this.batchWaiting.popFront());
    if (batch > 0) this.sink.onQueueChange(-batch, now, true);
    for (const id of ids) {
      t.kvTokens[id] = 0;
      t.prefillDone[id] = 0;
      t.prefillTarget[id] = t.prompt[id]! + t.generated[id]!;
    }
    for (let i = 0; i < this.nRunning; i++) this.chunk[i] = 0;
    this.nRunning = 0;
    this.usedBlocks = 0;
    this.state = DOWN;
    return ids;
  }

  /** Brings a replica that was taken away back, empty and idle. */
  restore(now: number): void {
    if (this.state !== DOWN) throw new InvariantError(`replica ${this.opts.index} restored while up`, now);
    this.state = IDLE;
    if (this.queued > 0 || this.batchWaiting.length > 0) this.plan(now);
  }

  /** A new request joins this replica's queue now. */
  enqueue(id: ReqId, now: number): void {
    const batch = this.table.lowPriority[id] === 1;
    // An interactive request may be admissible if no other interactive one waits (batch work
    // yields to it, even its running sequences); batch work only if nothing waits at all.
    const interactiveWasEmpty = this.waiting.length === 0 && this.preempted.length === 0;
    const wasEmpty = batch ? interactiveWasEmpty && this.batchWaiting.length === 0 : interactiveWasEmpty;
    const hasSeat = this.nRunning < this.opts.limits.maxNumSeqs || (!batch && this.hasRunningBatch());
    (batch ? this.batchWaiting : this.waiting).pushBack(id);
    this.sink.onQueueChange(1, now, batch);
    if (this.state === DOWN) return;
    if (this.state === IDLE) {
      this.plan(now);
    } else if (this.state === SPAN && wasEmpty && !this.spanInterrupted && hasSeat) {
      // It may be admissible: stop the span at the first step boundary after now.
      let k = firstBoundaryAtOrAfter(this.opts.stepTime, this.spanBatch, this.spanContext0, this.spanSteps, now - this.phaseStart);
      if (k < 1) k = 1;
      if (k < this.spanSteps) {
        this.spanSteps = k;
        this.spanInterrupted = true;
        this.wakeGen++;
        this.sim.schedule(this.phaseStart + this.opts.stepTime.decodeSpanSeconds(this.spanBatch, this.spanContext0, k), this.wakeKind, this.opts.index, this.wakeGen);
      }
    }
  }

  /** The replica's wake-up event. Stale generations are ignored. */
  wake(gen: number, now: number): void {
    if (gen !== this.wakeGen) return;
    if (this.state === STEP) this.finishStep(now);
    else if (this.state === SPAN) this.finishSpan(now);
    else throw new InvariantError(`replica ${this.opts.index} woke while idle`, now);
    this.plan(now);
  }

  private account(start: number, end: number, blocksAvg: number): void {
    const d = overlap(start, end, this.opts.window.from, this.opts.window.to);
    this.busyTime += d;
    this.batchArea += this.nRunning * d;
    this.kvArea += blocksAvg * d;
  }

  private finishStep(now: number): void {
    const t = this.table;
    this.account(this.phaseStart, now, this.usedBlocks);
    this.steps++;
    for (let i = 0; i < this.nRunning; i++) {
      const id = this.running[i]!;
      const q = this.chunk[i]!;
      if (q > 0) {
        t.prefillDone[id]! += q;
        t.kvTokens[id]! += q;
        if (t.prefillDone[id] === t.prefillTarget[id]) this.emitToken(id, now);
      } else if (t.prefillDone[id] === t.prefillTarget[id] && t.generated[id]! > 0 && this.opts.limits.prefill !== 'alone') {
        // A decoding sequence in a mixed step: one token.
        t.kvTokens[id]!++;
        this.emitToken(id, now);
      }
      this.chunk[i] = 0;
    }
    this.removeFinished(now);
  }

  private finishSpan(now: number): void {
    const t = this.table;
    const k = this.spanSteps;
    const blocksBefore = this.usedBlocks;
    let blocksAfter = 0;
    for (let i = 0; i < this.nRunning; i++) {
      const id = this.running[i]!;
      t.kvTokens[id]! += k;
      t.generated[id]! += k;
      blocksAfter += this.held(id, t.kvTokens[id]!);
    }
    this.usedBlocks = blocksAfter;
    this.account(this.phaseStart, now, (blocksBefore + blocksAfter) / 2);
    this.steps += k;
    this.spans++;
    this.removeFinished(now);
  }

  private emitToken(id: ReqId, now: number): void {
    const t = this.table;
    t.generated[id]!++;
    if (t.generated[id] === 1) {
      t.firstToken[id] = now;
      this.sink.onFirstToken(id, now);
    }
  }

  private removeFinished(now: number): void {
    const t = this.table;
    let kept = 0;
    for (let i = 0; i < this.nRunning; i++) {
      const id = this.running[i]!;
      if (t.generated[id]! >= t.output[id]!) {
        this.usedBlocks -= this.held(id, t.kvTokens[id]!);
        this.sink.onFinish(id, now);
      } else {
        this.running[kept++] = id;
      }
    }
    this.nRunning = kept;
  }

  /** Fails never-admitted requests whose wait passed the timeout (they are at the front: FIFO). */
  private dropExpired(now: number): void {
    const timeout = this.opts.queueTimeout;
    if (timeout === undefined) return;
    while (this.waiting.length > 0) {
      const id = this.waiting.peekFront();
      const deadline = this.table.arrival[id]! + timeout;
      if (deadline > now) break;
      this.waiting.popFront();
      this.sink.onQueueChange(-1, now);
      this.sink.onTimeout(id, deadline, now);
    }
  }

  /** Fails waiting batch work whose deadline has passed (checked at the front of its queue). */
  private dropMissedDeadlines(now: number): void {
    while (this.batchWaiting.length > 0) {
      const id = this.batchWaiting.peekFront();
      const deadline = this.table.deadline[id]!;
      if (deadline > now) break;
      this.batchWaiting.popFront();
      this.sink.onQueueChange(-1, now, true);
      this.sink.onTimeout(id, deadline, now, 'deadlineMissed');
    }
  }

  private frontId(): ReqId | undefined {
    if (this.preempted.length > 0) return this.preempted.peekFront();
    if (this.waiting.length > 0) return this.waiting.peekFront();
    if (this.batchWaiting.length > 0) return this.batchWaiting.peekFront();
    return undefined;
  }

  private admitFront(now: number): ReqId {
    const fromBatch = this.preempted.length === 0 && this.waiting.length === 0;
    const id = this.preempted.length > 0 ? this.preempted.popFront() : fromBatch ? this.batchWaiting.popFront() : this.waiting.popFront();
    this.sink.onQueueChange(-1, now, fromBatch);
    if (Number.isNaN(this.table.admitted[id]!)) {
      this.table.admitted[id] = now;
      this.sink.onAdmit(id, now);
    }
    this.running[this.nRunning] = id;
    this.chunk[this.nRunning] = 0;
    this.nRunning++;
    return id;
  }

  /**
   * KV blocks a request holds with `kvTokens` tokens cached: the blocks those tokens fill,
   * or (full admission) blocks for its whole prompt and output from its first chunk on.
   */
  private held(id: ReqId, kvTokens: number): number {
    if (this.opts.limits.kvAdmission === 'prompt' || kvTokens === 0) return blocksFor(kvTokens);
    return blocksFor(this.table.prompt[id]! + this.table.output[id]!);
  }

  private hasRunningBatch(): boolean {
    for (let i = 0; i < this.nRunning; i++) if (this.table.lowPriority[this.running[i]!] === 1) return true;
    return false;
  }

  /** Preempts by recompute the newest running batch request, or else the newest running request. */
  private preemptNewest(now: number): void {
    const t = this.table;
    let victim = this.nRunning - 1;
    for (let i = this.nRunning - 1; i >= 0; i--) {
      if (t.lowPriority[this.running[i]!] === 1) {
        victim = i;
        break;
      }
    }
    const id = this.running[victim]!;
    for (let i = victim; i < this.nRunning - 1; i++) {
      this.running[i] = this.running[i + 1]!;
      this.chunk[i] = this.chunk[i + 1]!;
    }
    this.nRunning--;
    this.usedBlocks -= this.held(id, t.kvTokens[id]!);
    this.recomputedTokens += t.kvTokens[id]!;
    t.kvTokens[id] = 0;
    t.prefillDone[id] = 0;
    t.prefillTarget[id] = t.prompt[id]! + t.generated[id]!;
    const batch = t.lowPriority[id] === 1;
    (batch ? this.batchWaiting : this.preempted).pushFront(id);
    this.sink.onQueueChange(1, now, batch);
    this.preemptions++;
  }

  /** Decides the next step at a boundary and schedules its end. */
  private plan(now: number): void {
    this.dropExpired(now);
    this.dropMissedDeadlines(now);
    if (this.opts.limits.prefill === 'alone' ? this.planPrefillStep(now) : this.planMixedStep(now)) return;
    if (this.nRunning > 0) this.planSpan(now);
    else this.state = IDLE;
  }

  /** Without chunked prefill: admit what fits and prefill it in one step. */
  private planPrefillStep(now: number): boolean {
    const t = this.table;
    const limits = this.opts.limits;
    let tokens = 0;
    let attention = 0;
    let admitted = 0;
    for (;;) {
      const id = this.frontId();
      if (id === undefined) break;
      const p = t.prefillTarget[id]!;
      if (tokens > 0 && tokens + p > limits.maxNumBatchedTokens) break;
      const need = this.held(id, p);
      if (this.nRunning >= limits.maxNumSeqs || this.usedBlocks + need > this.opts.kvBlocks) {
        // Interactive work takes the seat or the KV blocks of running batch work.
        if (t.lowPriority[id] === 0 && this.hasRunningBatch()) {
          this.preemptNewest(now);
          continue;
        }
        break;
      }
      this.admitFront(now);
      this.usedBlocks += need;
      this.chunk[this.nRunning - 1] = p;
      tokens += p;
      attention += (p * (p + 1)) / 2;
      admitted++;
    }
    if (admitted === 0) return false;
    this.startStep(now, tokens, attention, tokens, tokens);
    return true;
  }

  /** With chunked prefill: decode every running sequence and fill the budget with prefill chunks. */
  private planMixedStep(now: number): boolean {
    const t = this.table;
    const limits = this.opts.limits;
    // Nothing waits and nothing is half-prefilled: a decode span, which the caller plans.
    if (this.frontId() === undefined && !this.anyPrefilling()) return false;
    // Decoding sequences first; make room for their next token's KV, preempting if needed.
    let decoding = 0;
    let decodeBlocks = 0;
    let hasPrefill = false;
    for (;;) {
      decoding = 0;
      decodeBlocks = 0;
      hasPrefill = false;
      this.stepAttention = 0;
      this.stepKvRead = 0;
      for (let i = 0; i < this.nRunning; i++) {
        const id = this.running[i]!;
        if (t.prefillDone[id] === t.prefillTarget[id]) {
          const kv = t.kvTokens[id]!;
          decoding++;
          this.stepAttention += kv + 1;
          this.stepKvRead += kv + 1;
          decodeBlocks += this.held(id, kv + 1) - this.held(id, kv);
        } else hasPrefill = true;
      }
      if (this.usedBlocks + decodeBlocks <= this.opts.kvBlocks || this.nRunning <= 1) break;
      this.preemptNewest(now);
    }
    // Decoding sequences grow by one token in this step: their blocks are held first.
    this.usedBlocks += decodeBlocks;
    this.budget = limits.maxNumBatchedTokens - decoding;
    this.chunkTokens = 0;
    if (hasPrefill) {
      for (let i = 0; i < this.nRunning && this.budget > 0; i++) {
        const id = this.running[i]!;
        if (t.prefillDone[id] !== t.prefillTarget[id] && !this.assignChunk(i, id)) break;
      }
    }
    while (this.budget > 0 && this.nRunning < limits.maxNumSeqs) {
      const id = this.frontId();
      if (id === undefined) break;
      const q = this.chunkOf(t.prefillTarget[id]!, 0);
      if (q <= 0 || this.usedBlocks + this.held(id, q) > this.opts.kvBlocks) break;
      this.admitFront(now);
      this.assignChunk(this.nRunning - 1, id);
    }
    if (this.chunkTokens === 0) {
      this.usedBlocks -= decodeBlocks;
      if (!hasPrefill) return false;
      // A half-prefilled request cannot get the KV blocks for its next chunk: make room.
      this.preemptNewest(now);
      return this.planMixedStep(now);
    }
    this.startStep(now, decoding + this.chunkTokens, this.stepAttention, this.stepKvRead, this.chunkTokens);
    return true;
  }

  private anyPrefilling(): boolean {
    const t = this.table;
    for (let i = 0; i < this.nRunning; i++) {
      const id = this.running[i]!;
      if (t.prefillDone[id] !== t.prefillTarget[id]) return true;
    }
    return false;
  }

  /**
   * How much of a prompt with `rest` tokens to go this step takes: as much as the budget
   * allows; or (whole prompts) all of it if it fits the budget, else none. A prompt longer
   * than any step's budget is chunked even so (TensorRT-LLM refuses it without chunking),
   * and a begun one is continued.
   */
  private chunkOf(rest: number, done: number): number {
    const limits = this.opts.limits;
    if (limits.prefill !== 'whole' || done > 0 || rest > limits.maxNumBatchedTokens) return Math.min(rest, this.budget);
    return rest <= this.budget ? rest : 0;
  }

  /** Gives running[i] its prompt chunk of this step, if the budget and the KV blocks allow. */
  private assignChunk(i: number, id: ReqId): boolean {
    const t = this.table;
    const done = t.prefillDone[id]!;
    const q = this.chunkOf(t.prefillTarget[id]! - done, done);
    if (q <= 0) return false;
    const need = this.held(id, t.kvTokens[id]! + q) - this.held(id, t.kvTokens[id]!);
    if (this.usedBlocks + need > this.opts.kvBlocks) return false;
    this.usedBlocks += need;
    this.chunk[i] = q;
    this.budget -= q;
    this.chunkTokens += q;
    this.stepAttention += q * done + (q * (q + 1)) / 2;
    this.stepKvRead += done + q;
    return true;
  }

  private startStep(now: number, tokens: number, attention: number, kvRead: number, prefillTokens: number): void {
    this.state = STEP;
    this.phaseStart = now;
    this.wakeGen++;
    this.sim.schedule(now + this.opts.stepTime.stepSeconds(tokens, attention, kvRead, prefillTokens), this.wakeKind, this.opts.index, this.wakeGen);
  }

  /** Every running sequence decodes; run until the first finishes or the KV cache fills. */
  private planSpan(now: number): void {
    const t = this.table;
    let n = Infinity;
    let context0 = 0;
    for (let i = 0; i < this.nRunning; i++) {
      const id = this.running[i]!;
      const left = t.output[id]! - t.generated[id]!;
      if (left < n) n = left;
      context0 += t.kvTokens[id]!;
    }
    // Largest k <= n such that the blocks needed through step k-1 fit; preempt until k >= 1.
    let k = this.stepsThatFit(n);
    while (k === 0) {
      if (this.nRunning <= 1) throw new InvariantError(`replica ${this.opts.index}: one request does not fit the KV cache`, now);
      this.preemptNewest(now);
      n = Infinity;
      context0 = 0;
      for (let i = 0; i < this.nRunning; i++) {
        const id = this.running[i]!;
        n = Math.min(n, t.output[id]! - t.generated[id]!);
        context0 += t.kvTokens[id]!;
      }
      k = this.stepsThatFit(n);
    }
    this.state = SPAN;
    this.phaseStart = now;
    this.spanSteps = k;
    this.spanInterrupted = false;
    this.spanBatch = this.nRunning;
    this.spanContext0 = context0;
    this.wakeGen++;
    this.sim.schedule(now + this.opts.stepTime.decodeSpanSeconds(this.nRunning, context0, k), this.wakeKind, this.opts.index, this.wakeGen);
  }

  /** Blocks the running batch needs to take step j (0-based): each sequence holds kv + j + 1 tokens. */
  private blocksAtStep(j: number): number {
    let blocks = 0;
    for (let i = 0; i < this.nRunning; i++) {
      const id = this.running[i]!;
      blocks += this.held(id, this.table.kvTokens[id]! + j + 1);
    }
    return blocks;
  }

  private stepsThatFit(n: number): number {
    const capacity = this.opts.kvBlocks;
    if (this.blocksAtStep(n - 1) <= capacity) return n;
    let lo = 0; // steps 0..lo-1 fit
    let hi = n - 1; // step hi does not
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.blocksAtStep(mid) <= capacity) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Requests queued or running at the horizon, for conservation. */
  forEachInFlight(visit: (id: ReqId) => void): void {
    for (let i = 0; i < this.waiting.length; i++) visit(this.waiting.at(i));
    for (let i = 0; i < this.preempted.length; i++) visit(this.preempted.at(i));
    for (let i = 0; i < this.batchWaiting.length; i++) visit(this.batchWaiting.at(i));
    for (let i = 0; i < this.nRunning; i++) visit(this.running[i]!);
  }

  /** Closes measurements at the horizon for a step or span still in progress. */
  end(horizon: number): void {
    this.dropExpired(horizon);
    this.dropMissedDeadlines(horizon);
    if (this.state === STEP || this.state === SPAN) this.account(this.phaseStart, horizon, this.usedBlocks);
  }
}
