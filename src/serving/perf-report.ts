/**
 * What one replica does, in numbers (`capsim perf`): KV capacity, decode step time and
 * tokens per second across batch sizes, prefill time across prompt lengths, and the
 * saturation throughput for an input/output mix. Pure.
 */
import type { SchedulerLimits } from './replica.js';
import type { StepTimeModel } from './step-time.js';
import type { ReplicaMemory } from './memory.js';
import { runOffline } from './offline.js';

export const PERF_BATCHES = [1, 8, 16, 32, 64, 128, 256] as const;
export const PERF_PROMPTS = [128, 512, 2048, 8192] as const;

export interface PerfReport {
  kvCapacityTokens: number;
  weightGBPerGpu: number;
  kvGBPerGpu: number;
  stepModel: string;
  decode: { batch: number; context: number; stepSeconds: number; tokensPerSecond: number; fitsKv: boolean }[];
  prefill: { tokens: number; seconds: number }[];
  saturation: { input: number; output: number; requests: number; outputTokensPerSecond: number; requestsPerSecond: number; meanTtftSeconds: number; meanTpotSeconds: number };
}

export interface PerfOptions {
  readonly context: number;
  readonly input: number;
  readonly output: number;
  readonly limits: SchedulerLimits;
}

export function perfReport(stepTime: StepTimeModel, memory: ReplicaMemory, opts: PerfOptions): PerfReport {
  const decode = PERF_BATCHES.map((batch) => {
    const context = batch * opts.context;
    const stepSeconds = stepTime.stepSeconds(batch, context, context, 0);
    return { batch, context: opts.context, stepSeconds, tokensPerSecond: batch / stepSeconds, fitsKv: batch * (opts.context + 1) <= memory.kvCapacityTokens };
  });
  const prefill = PERF_PROMPTS.map((tokens) => ({ tokens, seconds: stepTime.stepSeconds(tokens, (tokens * (tokens + 1)) / 2, tokens, tokens) }));
  const requests = Math.max(256, 4 * opts.limits.maxNumSeqs);
  const offline = runOffline(stepTime, memory.kvBlocks, opts.limits, Array.from({ length: requests }, () => ({ input: opts.input, output: opts.output })));
  return {
    kvCapacityTokens: memory.kvCapacityTokens,
    weightGBPerGpu: memory.weightGBPerGpu,
    kvGBPerGpu: memory.kvGBPerGpu,
    stepModel: stepTime.description,
    decode,
    prefill,
    saturation: {
      input: opts.input,
      output: opts.output,
      requests,
      outputTokensPerSecond: offline.outputTokensPerSecond,
      requestsPerSecond: offline.requestsPerSecond,
      meanTtftSeconds: offline.meanTtftS,
      meanTpotSeconds: offline.meanTpotS,
    },
  };
}
