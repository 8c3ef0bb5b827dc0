/**
 * The slow twin of src/serving/replica.ts: the same scheduling policy, written plainly with
 * one object per request and one event per step (every decode step is simulated). It
 * exists only to check the fast replica's fast-forward: same outcomes, same times.
 */
import type { SchedulerLimits, StepTimeModel } from '../../src/serving/index.js';

export const BLOCK = 16;
const blocks = (tokens: number) => Math.ceil(tokens / BLOCK);

export interface RefRequest {
  id: number;
  arrival: number;
  prompt: number;
  output: number;
  generated: number;
  kv: number;
  target: number;
  done: number;
  chunk: number;
  admitted: number;
  firstToken: number;
  finished: number;
}

export interface RefResult {
  requests: RefRequest[];
  preemptions: number;
  steps: number;
}

/** Simulates one replica step by step over requests sorted by arrival. */
export function simulateReference(
  stepTime: StepTimeModel,
  kvBlocks: number,
  limits: SchedulerLimits,
  arrivals: readonly { arrival: number; prompt: number; output: number }[],
): RefResult {
  const requests: RefRequest[] = arrivals.map((a, id) => ({ id, ...a, generated: 0, kv: 0, target: a.prompt, done: 0, chunk: 0, admitted: NaN, firstToken: NaN, finished: NaN }));
  const waiting: RefRequest[] = [];
  const preempted: RefRequest[] = [];
  let running: RefRequest[] = [];
  let next = 0;
  let now = 0;
  let preemptions = 0;
  let steps = 0;
  // Blocks a request holds with kv tokens cached: those tokens' blocks, or (full admission)
  // its whole prompt and output's from its first chunk on.
  const held = (r: RefRequest, kv: number) => (limits.kvAdmission === 'full' && kv > 0 ? blocks(r.prompt + r.output) : blocks(kv));
  const used = () => running.reduce((n, r) => n + held(r, r.kv), 0);
  const front = () => preempted[0] ?? waiting[0];
  const admit = () => {
    const r = preempted.length > 0 ? preempted.shift()! : waiting.shift()!;
    if (Number.isNaN(r.admitted)) r.admitted = now;
    running.push(r);
    return r;
  };
  const preemptNewest = () => {
    const r = running.pop()!;
    r.kv = 0;
    r.done = 0;
    r.target = r.prompt + r.generated;
    preempted.unshift(r);
    preemptions++;
  };
  const token = (r: RefRequest, at: number) => {
    r.generated++;
    if (r.generated === 1) r.firstToken = at;
  };

  for (;;) {
    // Arrivals up to now join the queue (an arrival exactly at a boundary joins before it).
    while (next < requests.length && requests[next]!.arrival <= now) waiting.push(requests[next++]!);
    let tokens = 0;
    let attention = 0;
    let kvRead = 0;
    let kind: 'prefill' | 'mixed' | 'decode' | 'idle' = 'idle';
    if (limits.prefill === 'alone') {
      let reserved = used();
      while (front() && running.length < limits.maxNumSeqs) {
        const p = front()!.target;
        if (tokens > 0 && tokens + p > limits.maxNumBatchedTokens) break;
        if (reserved + held(front()!, p) > kvBlocks) break;
        const r = admit();
        reserved += held(r, p);
        r.chunk = p;
        tokens += p;
        attention += (p * (p + 1)) / 2;
      }
      if (tokens > 0) {
        kind = 'prefill';
        kvRead = tokens;
      } else if (running.length > 0) {
        while (running.reduce((n, r) => n + held(r, r.kv + 1), 0) > kvBlocks) preemptNewest();
        kind = 'decode';
        tokens = running.length;
        attention = kvRead = running.reduce((n, r) => n + r.kv + 1, 0);
      }
    } else {
      for (;;) {
        const decodingNeed = running.filter((r) => r.done === r.target).reduce((n, r) => n + held(r, r.kv + 1) - held(r, r.kv), 0);
        if (used() + decodingNeed <= kvBlocks || running.length <= 1) break;
        preemptNewest();
      }
      for (;;) {
        const decoding = running.filter((r) => r.done === r.target);
        let reserved = used() + decoding.reduce((n, r) => n + held(r, r.kv + 1) - held(r, r.kv), 0);
        let budget = limits.maxNumBatchedTokens - decoding.length;
        tokens = decoding.length;
        attention = kvRead = decoding.reduce((n, r) => n + r.kv + 1, 0);
        let chunks = 0;
        // Whole-prompt engines take a prompt only if it fits the rest of the budget, unless it
        // is longer than any budget (then chunked) or already begun.
        const take = (rest: number, done: number) =>
          limits.prefill !== 'whole' || done > 0 || rest > limits.maxNumBatchedTokens ? Math.min(rest, budget) : rest <= budget ? rest : 0;
        const assign = (r: RefRequest) => {
          const q = take(r.target - r.done, r.done);
          if (q <= 0) return false;
          const need = held(r, r.kv + q) - held(r, r.kv);
          if (reserved + need > kvBlocks) return false;
          reserved += need;
          r.chunk = q;
          budget -= q;
          chunks += q;
          attention += q * r.done + (q * (q + 1)) / 2;
          kvRead += r.done + q;
          return true;
        };
        const prefilling = running.filter((r) => r.done !== r.target);
        for (const r of prefilling) if (budget <= 0 || !assign(r)) break;
        while (budget > 0 && running.length < limits.maxNumSeqs && front()) {
          const q = take(front()!.target, 0);
          if (q <= 0 || reserved + held(front()!, q) > kvBlocks) break;
          assign(admit());
        }
        tokens += chunks;
        if (chunks > 0) kind = 'mixed';
        else if (prefilling.length > 0) {
          preemptNewest();
          continue;
        } else if (decoding.length > 0) kind = 'decode';
        break;
      }
    }

    if (kind === 'idle') {
      if (next >= requests.length) break;
      now = requests[next]!.arrival;
      continue;
    }
    const prefillTokens = kind === 'decode' ? 0 : kind === 'prefill' ? tokens : tokens - running.filter((r) => r.chunk === 0 && r.done === r.target).length;
    const end = now + stepTime.stepSeconds(tokens, attention, kvRead, prefillTokens);
    steps++;
    for (const r of running) {
      if (kind === 'prefill' || kind === 'mixed') {
        if (r.chunk > 0) {
          r.done += r.chunk;
          r.kv += r.chunk;
          r.chunk = 0;
          if (r.done === r.target) token(r, end);
        } else if (kind === 'mixed' && r.done === r.target) {
          r.kv++;
          token(r, end);
        }
      } else {
        r.kv++;
        token(r, end);
      }
    }
    for (const r of running) if (r.generated >= r.output) r.finished = end;
    running = running.filter((r) => Number.isNaN(r.finished));
    now = end;
  }
  return { requests, preemptions, steps };
}
