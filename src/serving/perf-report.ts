/**
 * What one replica does, in numbers (`capsim perf`): KV capacity, decode step time and
 * tokens per second across batch sizes, prefill time across prompt lengths, and the
 * saturation throughput for an input/output mix. Pure.
 */
import type { SchedulerLimits } from './replica.js';
import type { StepBreakdown, StepTimeModel } from './step-time.js';
import type { ReplicaMemory } from './memory.js';
import { runOffline } from './load.js';

export const PERF_BATCHES = [1, 8, 16, 32, 64, 128, 256] as const;
export const PERF_PROMPTS = [128, 512, 2048, 8192] as const;

export interface PerfReport {
  kvCapacityTokens: number;
  weightGBPerGpu: number;
  kvGBPerGpu: number;
  stepModel: string;
  /** `terms`: the step term by term (weights, KV, compute, communication, fixed), where the step model has terms. */
  decode: { batch: number; context: number; stepSeconds: number; tokensPerSecond: number; fitsKv: boolean; terms?: StepBreakdown }[];
  prefill: { tokens: number; seconds: number; terms?: StepBreakdown }[];
  /** The scheduler the saturation run used (the engine's defaults unless overridden). */
  scheduler: SchedulerLimits;
  saturation: {
    input: number;
    output: number;
    requests: number;
    outputTokensPerSecond: number;
    requestsPerSecond: number;
    meanTtftSeconds: number;
    meanTpotSeconds: number;
    /** Preemptions by recompute during the run, and the tokens they made the replica prefill again. */
    preemptions: number;
    recomputedTokens: number;
  };
}

export interface PerfOptions {
  readonly context: number;
  readonly input: number;
  readonly output: number;
  readonly limits: SchedulerLimits;
}

export function perfReport(stepTime: StepTimeModel, memory: ReplicaMemory, opts: PerfOptions): PerfReport {
  const terms = (tokens: number, attention: number, kvRead: number, prefillTokens: number) =>
    stepTime.breakdown ? { terms: stepTime.breakdown(tokens, attention, kvRead, prefillTokens) } : {};
  const decode = PERF_BATCHES.map((batch) => {
    const context = batch * opts.context;
    const stepSeconds = stepTime.stepSeconds(batch, context, context, 0);
    return {
      batch,
      context: opts.context,
      stepSeconds,
      tokensPerSecond: batch / stepSeconds,
      fitsKv: batch * (opts.context + 1) <= memory.kvCapacityTokens,
      ...terms(batch, context, context, 0),
    };
  });
  const prefill = PERF_PROMPTS.map((tokens) => {
    const attention = (tokens * (tokens + 1)) / 2;
    return { tokens, seconds: stepTime.stepSeconds(tokens, attention, tokens, tokens), ...terms(tokens, attention, tokens, tokens) };
  });
  // Enough requests to keep the batch full for a while: four times what can run at once.
  const concurrent = Math.min(opts.limits.maxNumSeqs, Math.max(1, Math.floor(memory.kvCapacityTokens / (opts.input + opts.output))));
  const requests = Math.max(256, 4 * concurrent);
  const offline = runOffline(stepTime, memory.kvBlocks, opts.limits, Array.from({ length: requests }, () => ({ input: opts.input, output: opts.output })));
  return {
    kvCapacityTokens: memory.kvCapacityTokens,
    weightGBPerGpu: memory.weightGBPerGpu,
    kvGBPerGpu: memory.kvGBPerGpu,
    stepModel: stepTime.description,
    decode,
    prefill,
    scheduler: opts.limits,
    saturation: {
      input: opts.input,
      output: opts.output,
      requests,
      outputTokensPerSecond: offline.outputTokensPerSecond,
      requestsPerSecond: offline.requestsPerSecond,
      meanTtftSeconds: offline.meanTtftS,
      meanTpotSeconds: offline.meanTpotS,
      preemptions: offline.preemptions,
      recomputedTokens: offline.recomputedTokens,
    },
  };
}
