/**
 * Serving engines: the scheduling defaults each one ships with. What an engine's steps
 * cost (CPU overhead, attention-kernel efficiency) is fitted, and lives with the step-time
 * model in serving/calibration.ts; what it does by default is documented, and lives here,
 * each with its source and the date it was read.
 */
import type { GpuSpec } from './gpus.js';

export const ENGINE_IDS = ['vllm', 'vllm-0.5', 'tensorrt-llm', 'sglang'] as const;
export type EngineId = (typeof ENGINE_IDS)[number];

/**
 * How an engine fits prompts into steps:
 * - `chunked`: each step decodes every running sequence first, then fills the token budget
 *   with prompt chunks, splitting the last prompt that does not fit (vLLM V1, SGLang);
 * - `whole`: prompts share steps with decoding sequences but are never split; a prompt that
 *   does not fit the rest of the budget waits for the next step (TensorRT-LLM's in-flight
 *   batching with context chunking off, its default);
 * - `alone`: newly admitted prompts are prefilled in a step of their own while decoding
 *   pauses (vLLM's V0 scheduler without chunked prefill).
 */
export type PrefillPacking = 'chunked' | 'whole' | 'alone';

/**
 * When a request may start, for its KV cache:
 * - `prompt`: when the blocks for its prompt are free; a decode step that finds no free
 *   block preempts the newest request and recomputes it later (vLLM, SGLang);
 * - `full`: only when blocks for its prompt and its whole output are free, so nothing is
 *   ever preempted (TensorRT-LLM's GUARANTEED_NO_EVICT capacity scheduler, its default).
 *   capsim reserves the request's actual output length: the benchmarks it is checked
 *   against set max_tokens to it, while a real server reserves max_tokens.
 */
export type KvAdmission = 'prompt' | 'full';

export interface EngineScheduling {
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly prefill: PrefillPacking;
  readonly kvAdmission: KvAdmission;
}

export interface EngineSpec {
  readonly id: EngineId;
  readonly name: string;
  /** Scheduling defaults on a given GPU (some engines size their budgets by GPU memory). */
  readonly scheduling: (gpu: GpuSpec) => EngineScheduling;
  readonly source: string;
  readonly asOf: string;
}

/** vLLM picks larger budgets on GPUs of 70 GiB or more, except A100s (vllm/engine/arg_utils.py, get_batch_defaults). */
const vllmLargeBudget = (gpu: GpuSpec) => gpu.memMiB >= 70 * 1024 && !gpu.id.startsWith('a100');

export const ENGINES: readonly EngineSpec[] = [
  {
    id: 'vllm',
    name: 'vLLM 0.10–0.11 (V1 engine), `vllm serve`',
    scheduling: (gpu) => ({
      maxNumSeqs: vllmLargeBudget(gpu) ? 1024 : 256,
      maxNumBatchedTokens: vllmLargeBudget(gpu) ? 8192 : 2048,
      prefill: 'chunked',
      kvAdmission: 'prompt',
    }),
    source:
      'vllm/engine/arg_utils.py EngineArgs.get_batch_defaults (OPENAI_API_SERVER: 8,192 tokens and 1,024 sequences on GPUs >= 70 GiB other than A100, else 2,048 and 256); V1 always chunks prefills and schedules running requests before waiting ones (vllm/v1/core/sched/scheduler.py); KV blocks allocated as tokens arrive, preemption by recompute',
    asOf: '2025-10',
  },
  {
    id: 'vllm-0.5',
    name: 'vLLM 0.5 (V0 engine)',
    scheduling: () => ({ maxNumSeqs: 256, maxNumBatchedTokens: 8192, prefill: 'alone', kvAdmission: 'prompt' }),
    source:
      'vLLM v0.5.4 vllm/config.py SchedulerConfig (max_num_seqs 256; without chunked prefill max_num_batched_tokens = max(max_model_len, 2048), here 8,192 for a typical --max-model-len) and vllm/core/scheduler.py (prefills scheduled in a step of their own, preemption by recompute)',
    asOf: '2024-08',
  },
  {
    id: 'tensorrt-llm',
    name: 'TensorRT-LLM 1.0 (also behind NVIDIA NIM)',
    scheduling: () => ({ maxNumSeqs: 2048, maxNumBatchedTokens: 8192, prefill: 'whole', kvAdmission: 'full' }),
    source:
      'NVIDIA/TensorRT-LLM docs/source/performance/performance-tuning-guide (BuildConfig max_batch_size 2,048, max_num_tokens 8,192; enable_chunked_context off by default) and docs/source/advanced/gpt-attention.md / CapacitySchedulerPolicy GUARANTEED_NO_EVICT default',
    asOf: '2025-09',
  },
  {
    id: 'sglang',
    name: 'SGLang 0.5',
    scheduling: (gpu) => ({ maxNumSeqs: 1024, maxNumBatchedTokens: gpu.memMiB >= 60 * 1024 ? 8192 : 2048, prefill: 'chunked', kvAdmission: 'prompt' }),
    source:
      'sgl-project/sglang python/sglang/srt/server_args.py (chunked_prefill_size 8,192 on GPUs with >= 60 GB, 2,048 below; running requests retracted when KV runs out)',
    asOf: '2025-09',
  },
];

export function findEngine(id: EngineId): EngineSpec {
  return ENGINES.find((e) => e.id === id)!;
}
