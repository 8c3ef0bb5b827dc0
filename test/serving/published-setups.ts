/**
 * How capsim reproduces each row of the shared data's calibration/published-measurements.csv:
 * the replica (model, GPU, tensor parallelism, dtypes, engine), the load, and the lengths
 * assumed where the source does not give them. Shared by the test and bench/calibration.
 */
import { latencyStats } from '../../src/calibrate/index.js';
import { findGpu, findModel, type EngineId, type KvDtype, type WeightDtype } from '../../src/catalog/index.js';
import { makeSampler, openStream } from '../../src/random/index.js';
import { resolveScheduler } from '../../src/scenario/index.js';
import { replicaMemory, RooflineStepTime, runLoad, type LoadResult, type OfflineRequest, type SchedulerLimits } from '../../src/serving/index.js';

export interface Replica {
  readonly model: string;
  readonly gpu: string;
  readonly tp: number;
  readonly dtype: WeightDtype;
  readonly kvDtype: KvDtype;
  readonly engine: EngineId;
  readonly gpuMemoryUtilization?: number;
  readonly scheduler?: Partial<Pick<SchedulerLimits, 'maxNumSeqs' | 'maxNumBatchedTokens'>>;
}

/** What a row measures, and under which load. */
export type Measure =
  /** Mean time per output token of one request alone. */
  | { readonly kind: 'tpot-alone'; readonly input: number; readonly output: number }
  /** Time to first token of one request alone. */
  | { readonly kind: 'ttft-alone'; readonly input: number; readonly output: number }
  /**
   * Output tokens per second with every request queued at once. `refused` more requests were
   * sent and came back at once with no tokens: they count as zeros in the mean TTFT (as the
   * benchmark averaged them) and nowhere else.
   */
  | { readonly kind: 'offline'; readonly requests: OfflineRequest[]; readonly metric: 'throughput' | 'mean-ttft' | 'median-tpot'; readonly refused?: number }
  /** A closed loop of `concurrency` clients. */
  | { readonly kind: 'closed'; readonly concurrency: number; readonly input: number; readonly output: number; readonly metric: 'throughput' | 'mean-ttft' | 'mean-itl' }
  /** MLPerf Server: the highest Poisson rate whose p99 TTFT and p99 TPOT meet their limits, as output tokens per second. */
  | { readonly kind: 'server'; readonly requests: OfflineRequest[]; readonly p99TtftS: number; readonly p99TpotS: number };

export interface RowSetup {
  readonly replica: Replica;
  readonly measure: Measure;
  /** Published value in ms (latencies) or tokens/s (throughputs). */
  readonly unit: 'ms' | 'tok/s';
}

const fill = (count: number, input: number, output: number): OfflineRequest[] => Array.from({ length: count }, () => ({ input, output }));

/**
 * ShareGPT as vLLM's benchmark_serving.py samples it: prompts of 4–1,024 tokens, prompt and
 * output together at most the model length, output the dataset's own reply length.
 * Assumed: lognormal prompt and output lengths with standard deviations equal to their
 * means; the means are those of the requests served in the LambdaLabs result files
 * (results_v0/prompt_320/*_len2000.json: 65,578 input tokens over 320 prompts, 205 each;
 * 207 output tokens per request that returned any for Llama-3.1, 256 for Mixtral).
 */
/** The longest output among the requests served in those result files: 780 tokens (Llama-3.1 8B) to 928 (Mixtral). */
const MAX_SHAREGPT_OUTPUT = 850;

export function shareGptRequests(count: number, maxModelLen: number, meanOutput: number): OfflineRequest[] {
  const rng = openStream(1, 'test', 'sharegpt');
  const prompt = makeSampler({ dist: 'lognormal', mean: 205, sd: 205 });
  const output = makeSampler({ dist: 'lognormal', mean: meanOutput, sd: meanOutput });
  const out: OfflineRequest[] = [];
  while (out.length < count) {
    const input = Math.round(prompt(rng));
    const reply = Math.round(output(rng));
    if (input < 4 || reply < 4 || input > 1024 || reply > MAX_SHAREGPT_OUTPUT || input + reply > Math.min(2048, maxModelLen)) continue;
    out.push({ input, output: reply });
  }
  return out;
}

/**
 * MLPerf Inference v5.1 Llama-3.1-8B uses CNN/DailyMail summarization (13,368 samples,
 * outputs capped at 128 tokens). Assumed: prompts lognormal with mean 778 and sd 350
 * tokens (clipped to 50..2,500), outputs uniform on 75..125 (mean 100).
 */
export function cnnDailyMailRequests(count: number): OfflineRequest[] {
  const rng = openStream(1, 'test', 'cnn-dailymail');
  const prompt = makeSampler({ dist: 'lognormal', mean: 778, sd: 350 });
  return Array.from({ length: count }, () => ({
    input: Math.min(2500, Math.max(50, Math.round(prompt(rng)))),
    output: Math.round(75 + 50 * rng()),
  }));
}

// gpt-fast runs batch-1 decode as one captured CUDA graph with little host work per step,
// as TensorRT-LLM does: its rows use that engine's step costs. 5-token prompt, 200 tokens out.
const gptFast = (model: string, tp: number, dtype: WeightDtype): RowSetup => ({
  replica: { model, gpu: 'a100-80gb', tp, dtype, kvDtype: 'bf16', engine: 'tensorrt-llm', gpuMemoryUtilization: 0.95 },
  measure: { kind: 'tpot-alone', input: 5, output: 200 },
  unit: 'ms',
});

// NIM 1.8 serves Llama-3.3-70B (Llama-3.1-70B's shape) in fp8 with an fp8 KV cache on 2 × H100.
const nim: Replica = { model: 'llama-3.1-70b', gpu: 'h100-sxm', tp: 2, dtype: 'fp8', kvDtype: 'fp8', engine: 'tensorrt-llm' };
const nimClosed = (concurrency: number, metric: 'throughput' | 'mean-ttft' | 'mean-itl'): RowSetup => ({
  replica: nim,
  measure: { kind: 'closed', concurrency, input: 5000, output: 500, metric },
  unit: metric === 'throughput' ? 'tok/s' : 'ms',
});

// trtllm-bench: fp8 weights and KV cache, every request queued at once.
const trt = (model: string, gpu: string, tp: number, count: number, input: number, output: number): RowSetup => ({
  replica: { model, gpu, tp, dtype: 'fp8', kvDtype: 'fp8', engine: 'tensorrt-llm' },
  measure: { kind: 'offline', requests: fill(count, input, output), metric: 'throughput' },
  unit: 'tok/s',
});

// LambdaLabs: vLLM 0.5.4, --max-model-len 2000 (so max_num_batched_tokens = max(2000, 2048)), 320 ShareGPT prompts at once.
// In the result files some requests came back at once with no tokens (output_lens 0, ttfts 0):
// 105 of the 320 Llama-3.1 prompts, 48 for Mixtral. They did no work on the server.
const lambda = (model: string, gpu: string, tp: number, dtype: WeightDtype, metric: 'throughput' | 'mean-ttft' | 'median-tpot'): RowSetup => {
  const refused = model === 'mixtral-8x7b' ? 48 : 105;
  return {
    replica: { model, gpu, tp, dtype, kvDtype: 'bf16', engine: 'vllm-0.5', scheduler: { maxNumSeqs: 256, maxNumBatchedTokens: 2048 } },
    measure: { kind: 'offline', requests: shareGptRequests(320 - refused, 2000, model === 'mixtral-8x7b' ? 256 : 207), metric, refused },
    unit: metric === 'throughput' ? 'tok/s' : 'ms',
  };
};

const mlperfServer = (gpu: string): RowSetup => ({
  replica: { model: 'llama-3.1-8b', gpu, tp: 1, dtype: 'fp8', kvDtype: 'fp8', engine: 'vllm' },
  measure: { kind: 'server', requests: cnnDailyMailRequests(4000), p99TtftS: 2, p99TpotS: 0.1 },
  unit: 'tok/s',
});

/** Every row capsim can express, by id. */
export const SETUPS: Readonly<Record<string, RowSetup>> = {
  GF1: gptFast('llama-7b', 1, 'bf16'),
  GF2: gptFast('llama-7b', 8, 'bf16'),
  GF3: gptFast('llama-3.1-70b', 4, 'bf16'),
  GF4: gptFast('llama-3.1-70b', 8, 'bf16'),
  GF5: gptFast('llama-3.1-70b', 1, 'fp8'),
  GF6: gptFast('mixtral-8x7b', 2, 'bf16'),
  GF7: gptFast('mixtral-8x7b', 4, 'bf16'),
  GF8: gptFast('mixtral-8x7b', 8, 'bf16'),
  GF9: gptFast('mixtral-8x7b', 1, 'fp8'),
  NIM1: { replica: nim, measure: { kind: 'tpot-alone', input: 5000, output: 500 }, unit: 'ms' },
  NIM2: { replica: nim, measure: { kind: 'ttft-alone', input: 5000, output: 500 }, unit: 'ms' },
  PV1: trt('llama-3.1-8b', 'h100-sxm', 1, 30000, 128, 128),
  PV2: trt('llama-3.1-8b', 'h100-sxm', 1, 3000, 128, 2048),
  PV3: trt('llama-3.1-8b', 'h100-sxm', 1, 3000, 2048, 128),
  PV4: trt('llama-3.1-8b', 'h100-sxm', 1, 3000, 1000, 1000),
  PV5: trt('llama-3.1-8b', 'h100-sxm', 1, 1000, 20000, 2000),
  PV6: trt('llama-3.1-8b', 'h200', 1, 3000, 1000, 1000),
  PV7: trt('llama-3.1-8b', 'h200', 1, 3000, 128, 2048),
  PV8: trt('llama-3.1-70b', 'h100-sxm', 2, 3000, 1000, 1000),
  PV9: trt('llama-3.1-70b', 'h100-sxm', 2, 3000, 2048, 128),
  PV10: trt('llama-3.1-70b', 'h200', 1, 3000, 1000, 1000),
  LB1a: lambda('llama-3.1-8b', 'h100-sxm', 1, 'fp8', 'throughput'),
  LB1b: lambda('llama-3.1-8b', 'h100-sxm', 1, 'fp8', 'mean-ttft'),
  LB1c: lambda('llama-3.1-8b', 'h100-sxm', 1, 'fp8', 'median-tpot'),
  LB2a: lambda('llama-3.1-8b', 'a100-80gb', 1, 'fp8', 'throughput'),
  LB2b: lambda('llama-3.1-8b', 'a100-80gb', 1, 'fp8', 'mean-ttft'),
  LB2c: lambda('llama-3.1-8b', 'a100-80gb', 1, 'fp8', 'median-tpot'),
  LB3a: lambda('llama-3.1-70b', 'h100-sxm', 4, 'fp8', 'throughput'),
  LB3b: lambda('llama-3.1-70b', 'h100-sxm', 4, 'fp8', 'mean-ttft'),
  LB3c: lambda('llama-3.1-70b', 'h100-sxm', 4, 'fp8', 'median-tpot'),
  LB4a: lambda('llama-3.1-70b', 'a100-80gb', 4, 'fp8', 'throughput'),
  LB4b: lambda('llama-3.1-70b', 'a100-80gb', 4, 'fp8', 'mean-ttft'),
  LB4c: lambda('llama-3.1-70b', 'a100-80gb', 4, 'fp8', 'median-tpot'),
  LB5a: lambda('mixtral-8x7b', 'h100-sxm', 2, 'bf16', 'throughput'),
  LB5b: lambda('mixtral-8x7b', 'h100-sxm', 2, 'bf16', 'mean-ttft'),
  LB5c: lambda('mixtral-8x7b', 'h100-sxm', 2, 'bf16', 'median-tpot'),
  NC5a: nimClosed(5, 'mean-ttft'),
  NC5b: nimClosed(5, 'mean-itl'),
  NC5c: nimClosed(5, 'throughput'),
  NC25a: nimClosed(25, 'mean-ttft'),
  NC25b: nimClosed(25, 'mean-itl'),
  NC25c: nimClosed(25, 'throughput'),
  NC50a: nimClosed(50, 'mean-ttft'),
  NC50b: nimClosed(50, 'mean-itl'),
  NC50c: nimClosed(50, 'throughput'),
  NC100a: nimClosed(100, 'mean-ttft'),
  NC100b: nimClosed(100, 'mean-itl'),
  NC100c: nimClosed(100, 'throughput'),
  MS1: mlperfServer('h100-sxm'),
  MS2: mlperfServer('l40s'),
};

function build(r: Replica) {
  const config = { model: findModel(r.model)!, gpu: findGpu(r.gpu)!, tp: r.tp, dtype: r.dtype, kvDtype: r.kvDtype, gpuMemoryUtilization: r.gpuMemoryUtilization ?? 0.9 };
  const limits = resolveScheduler(r.engine, r.gpu, r.scheduler);
  return { stepTime: new RooflineStepTime(config, r.engine), kvBlocks: replicaMemory(config).kvBlocks, limits };
}

/** Nearest rank, as MLPerf's loadgen reads its latency percentiles. */
const quantile = (xs: Float64Array, q: number) => {
  const s = Array.from(xs).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

/** capsim's figure for a row, in the row's unit. */
export function predict(setup: RowSetup): number {
  const { stepTime, kvBlocks, limits } = build(setup.replica);
  const m = setup.measure;
  const run = (requests: readonly OfflineRequest[], load: Parameters<typeof runLoad>[4]): LoadResult => runLoad(stepTime, kvBlocks, limits, requests, load);
  switch (m.kind) {
    case 'tpot-alone':
      return run(fill(1, m.input, m.output), { kind: 'offline' }).meanTpotS * 1000;
    case 'ttft-alone':
      return run(fill(1, m.input, m.output), { kind: 'offline' }).meanTtftS * 1000;
    case 'offline': {
      const r = run(m.requests, { kind: 'offline' });
      if (m.metric === 'throughput') return r.outputTokensPerSecond;
      if (m.metric === 'mean-ttft') return ((r.meanTtftS * r.requests) / (r.requests + (m.refused ?? 0))) * 1000;
      // The median TPOT as vLLM's benchmark computes it (numpy).
      return latencyStats(Array.from(r.tpotS))!.p50 * 1000;
    }
    case 'closed': {
      // Steady state: the clients start together, so their first round of requests (a burst
      // that queues behind itself, which a benchmark's warm-up discards) is left out of
      // every figure. Each client sends its next request the moment its last one ends.
      const warmup = m.concurrency;
      const count = warmup + Math.max(100, 10 * m.concurrency);
      const r = run(fill(count, m.input, m.output), { kind: 'closed', concurrency: m.concurrency });
      if (m.metric === 'throughput') return (m.output * (count - warmup)) / (r.makespanS - r.completionTimes[warmup - 1]!);
      const xs = (m.metric === 'mean-ttft' ? r.ttftS : r.tpotS).subarray(warmup);
      return (xs.reduce((s, x) => s + x, 0) / xs.length) * 1000;
    }
    case 'server': {
      const meets = (rate: number) => {
        const r = run(m.requests, { kind: 'poisson', rate, rng: openStream(1, 'test', 'mlperf-server') });
        return quantile(r.ttftS, 0.99) <= m.p99TtftS && quantile(r.tpotS, 0.99) <= m.p99TpotS;
      };
      let lo = 0.1;
      let hi = 1;
      while (meets(hi)) {
        lo = hi;
        hi *= 2;
      }
      while (hi / lo > 1.01) {
        const mid = Math.sqrt(lo * hi);
        if (meets(mid)) lo = mid;
        else hi = mid;
      }
      const meanOutput = m.requests.reduce((s, r) => s + r.output, 0) / m.requests.length;
      return lo * meanOutput;
    }
  }
}
