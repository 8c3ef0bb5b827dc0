/**
 * A replica on its own under a benchmark's load, as serving benchmarks drive a server:
 * - `offline`: every request waits at time zero (MLPerf "Offline", `trtllm-bench`, how
 *   `capsim perf` finds a replica's saturation throughput);
 * - `poisson`: requests arrive at a fixed mean rate (`vllm bench serve --request-rate`,
 *   MLPerf "Server"); `constant`: at a fixed interval (GuideLLM's constant rate);
 * - `closed`: a fixed number of clients, each sending its next request when the previous one
 *   finishes (AIPerf/GuideLLM concurrency, `--max-concurrency`).
 * Requests are taken in the order given. Returns per-request latencies and the throughput.
 */
import { Simulation } from '../engine/index.js';
import type { Rng } from '../random/index.js';
import { LlmReplica, type SchedulerLimits } from './replica.js';
import { RequestTable } from '../backend/index.js';
import type { StepTimeModel } from './step-time.js';

export interface OfflineRequest {
  readonly input: number;
  readonly output: number;
}

export type LoadPattern =
  | { readonly kind: 'offline' }
  | { readonly kind: 'poisson'; readonly rate: number; readonly rng: Rng }
  | { readonly kind: 'constant'; readonly rate: number }
  | { readonly kind: 'closed'; readonly concurrency: number };

export interface OfflineResult {
  readonly requests: number;
  readonly outputTokens: number;
  /** From the first arrival to the last completion. */
  readonly makespanS: number;
  readonly outputTokensPerSecond: number;
  readonly requestsPerSecond: number;
  /** Mean time to first token, and mean time per output token after the first. */
  readonly meanTtftS: number;
  readonly meanTpotS: number;
}

export interface LoadResult extends OfflineResult {
  /** Per request, in the order given: time to first token, time per output token after the first (NaN for one-token outputs), end to end. */
  readonly ttftS: Float64Array;
  readonly tpotS: Float64Array;
  readonly e2eS: Float64Array;
  /** Completion times in the order requests finished. */
  readonly completionTimes: Float64Array;
  readonly preemptions: number;
  readonly recomputedTokens: number;
}

export function runLoad(stepTime: StepTimeModel, kvBlocks: number, limits: SchedulerLimits, requests: readonly OfflineRequest[], load: LoadPattern): LoadResult {
  const sim = new Simulation();
  const table = new RequestTable();
  const n = requests.length;
  const ttftS = new Float64Array(n);
  const tpotS = new Float64Array(n).fill(NaN);
  const e2eS = new Float64Array(n);
  const completionTimes = new Float64Array(n);
  const order = new Int32Array(n);
  let finished = 0;
  let outputTokens = 0;
  let last = 0;
  let next = 0;
  const wakeKind = sim.register((_target, gen, now) => replica.wake(gen, now));
  const arriveKind = sim.register((index, _gen, now) => send(index, now));
  const send = (index: number, now: number) => {
    const r = requests[index]!;
    const id = table.add(now, r.input, r.output);
    order[id] = index;
    replica.enqueue(id, now);
  };
  const replica: LlmReplica = new LlmReplica(
    sim,
    table,
    {
      onAdmit: () => {},
      onFirstToken: (id, now) => (ttftS[order[id]!] = now - table.arrival[id]!),
      onFinish: (id, now) => {
        const index = order[id]!;
        const output = table.output[id]!;
        completionTimes[finished++] = now;
        outputTokens += output;
        last = now;
        e2eS[index] = now - table.arrival[id]!;
        if (output > 1) tpotS[index] = (now - table.firstToken[id]!) / (output - 1);
        table.release(id);
        // The client's next request reaches the engine after it has begun its next step.
        if (load.kind === 'closed' && next < n) sim.schedule(now, arriveKind, next++);
      },
      onTimeout: () => {},
      onQueueChange: () => {},
    },
    { index: 0, stepTime, kvBlocks, limits, queueTimeout: undefined, window: { from: 0, to: Infinity } },
    wakeKind,
  );
  if (load.kind === 'offline') {
    for (; next < n; next++) send(next, 0);
  } else if (load.kind === 'closed') {
    for (; next < Math.min(n, load.concurrency); next++) send(next, 0);
  } else {
    let t = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0) t = load.kind === 'constant' ? i / load.rate : t - Math.log(1 - load.rng()) / load.rate;
      if (i === 0) send(0, 0);
      else sim.schedule(t, arriveKind, i);
    }
  }
  sim.runUntil(Infinity);
  let ttftSum = 0;
  let tpotSum = 0;
  let tpotCount = 0;
  for (let i = 0; i < n; i++) {
    ttftSum += ttftS[i]!;
    if (!Number.isNaN(tpotS[i]!)) {
      tpotSum += tpotS[i]!;
      tpotCount++;
    }
  }
  return {
    requests: finished,
    outputTokens,
    makespanS: last,
    outputTokensPerSecond: outputTokens / last,
    requestsPerSecond: finished / last,
    meanTtftS: ttftSum / finished,
    meanTpotS: tpotCount > 0 ? tpotSum / tpotCount : NaN,
    ttftS,
    tpotS,
    e2eS,
    completionTimes,
    preemptions: replica.preemptions,
    recomputedTokens: replica.recomputedTokens,
  };
}

/** Every request waiting at time zero. */
export function runOffline(stepTime: StepTimeModel, kvBlocks: number, limits: SchedulerLimits, requests: readonly OfflineRequest[]): LoadResult {
  return runLoad(stepTime, kvBlocks, limits, requests, { kind: 'offline' });
}

/**
 * Saturation rates already measured in this process, by what decides them. A pure function
 * of its inputs, so remembering it changes nothing but time: every run of a Monte Carlo
 * asks again for the same replica and nearly the same mean lengths.
 */
const saturationMemo = new Map<string, number>();
const SATURATION_MEMO_LIMIT = 1024;

/**
 * Requests per second one replica serves when saturated with requests of these lengths:
 * a full queue of them (twice the batch limit, at least 64) worked through offline.
 */
export function saturationRate(stepTime: StepTimeModel, kvBlocks: number, limits: SchedulerLimits, input: number, output: number): number {
  const key = `${stepTime.key}|${kvBlocks}|${limits.maxNumSeqs}|${limits.maxNumBatchedTokens}|${limits.prefill}|${limits.kvAdmission}|${input}|${output}`;
  const known = saturationMemo.get(key);
  if (known !== undefined) return known;
  const count = Math.max(64, 2 * limits.maxNumSeqs);
  const rate = runOffline(stepTime, kvBlocks, limits, Array.from({ length: count }, () => ({ input, output }))).requestsPerSecond;
  if (saturationMemo.size >= SATURATION_MEMO_LIMIT) saturationMemo.clear();
  saturationMemo.set(key, rate);
  return rate;
}
