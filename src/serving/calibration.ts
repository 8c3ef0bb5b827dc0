/**
 * Every fitted constant of the roofline step-time model (roofline.ts), in one place, each
 * with a line on what sets it. They were fitted once, by hand, to the published
 * measurements that test/serving/published-measurements.test.ts reproduces (shared data
 * calibration/published-measurements.csv) and to the earlier points in
 * test/serving/calibration.test.ts. Change one only with those tests in view: they print
 * the error of every row.
 */
import type { EngineId } from '../catalog/index.js';

/** Per GPU: the share of its datasheet memory bandwidth that reading weights reaches. */
export interface GpuEfficiency {
  readonly weights: number;
  /**
   * How much longer the host CPUs that ship with this GPU take over an engine's per-step
   * work, against an H100-generation host (1). It counts only for engines whose CPU work
   * runs between GPU steps rather than beside them (EngineCosts.hostBound).
   */
  readonly hostSlowdown?: number;
  /** What sets it. */
  readonly basis: string;
}

export const GPU_EFFICIENCY: Readonly<Record<string, GpuEfficiency>> = {
  'a100-80gb': {
    weights: 0.72,
    hostSlowdown: 1.9,
    basis:
      'gpt-fast Llama-2-7B bf16 batch 1 on A100-80GB capped at 330 W: 9.53 ms per token = 1.41 TB/s of 2.04 (row GF1, −0.1%; GF5 −7%); host: the same 320 prompts took 1.70 s to their first token on the A100 machine and 0.89 s on the H100 one before any GPU work (LambdaLabs results_v0 files, rows LB1, LB2)',
  },
  'a100-40gb': { weights: 0.8, hostSlowdown: 1.9, basis: 'vLLM Llama-3.1-8B bf16 single stream on A100-40GB at about 77% of the bandwidth roofline (test/serving/calibration.test.ts)' },
  'h100-sxm': { weights: 0.68, basis: 'NIM Llama-3.3-70B fp8 TP2 5000/500 at concurrency 1: 18.6 ms ITL (row NIM1, −9%); TensorRT-LLM 8B decode-heavy throughput (PV2 −2%, PV4 −3%); MLPerf 8B Server (MS1 +7.5%)' },
  'h100-pcie': { weights: 0.68, basis: 'no measurement of its own: the H100 SXM figure (same HBM controller generation)' },
  h200: { weights: 0.58, basis: 'TensorRT-LLM v1.0 Llama-3.1-8B and 3.3-70B fp8 on H200 (rows PV6 +2%, PV7 +10%, PV10 −6%): HBM3e reaches a smaller share of its 4.8 TB/s than H100 of its 3.35' },
  b200: { weights: 0.58, basis: 'no measurement of its own: the H200 figure (HBM3e)' },
  l40s: { weights: 0.8, basis: 'MLPerf v5.1 Llama-3.1-8B fp8 on L40S, Offline and Server (test/serving/calibration.test.ts, row MS2)' },
  l4: { weights: 0.8, basis: 'no measurement of its own: the L40S figure (GDDR6, same generation)' },
  a10g: { weights: 0.8, basis: 'no measurement of its own: the L40S figure (GDDR6)' },
};

/** Per engine: what its steps cost beyond the GPU's work. */
export interface EngineCosts {
  /** Fixed CPU and launch cost of every step (seconds). */
  readonly stepS: number;
  /** Further cost per decoding sequence in a step: input preparation, sampling, detokenizing (seconds). */
  readonly perSequenceS: number;
  /** Further fixed cost of a step that prefills prompt tokens (seconds). */
  readonly prefillS: number;
  /** Share of the GPU's streaming read efficiency (GpuEfficiency.weights) its attention kernels reach reading the paged KV cache. */
  readonly kvEfficiency: number;
  /** Share of the tensor peak its large GEMMs reach, by compute dtype. */
  readonly compute: { readonly bf16: number; readonly fp8: number };
  /** Whether its CPU work runs between GPU steps (so a slower host lengthens every step) rather than beside them. */
  readonly hostBound: boolean;
  readonly basis: string;
}

export const ENGINE_COSTS: Readonly<Record<EngineId, EngineCosts>> = {
  vllm: {
    stepS: 0.0017,
    perSequenceS: 0,
    prefillS: 0.005,
    kvEfficiency: 0.74,
    compute: { bf16: 0.75, fp8: 0.45 },
    hostBound: false,
    basis:
      'MLPerf v5.1 Llama-3.1-8B fp8, vLLM 0.10, on H100 and L40S: Server rows MS1 +7.5% and MS2 −0.3% with 1.7 ms a step (what a V1 step costs beside the GPU), Offline within 10% (calibration.test.ts); GEMMs at 75% (bf16) and 45% (fp8) of peak from the TensorRT-LLM LLaMA-7B A100 prefill points and MLPerf Offline; KV reads at 74% of the streaming efficiency (0.5 of peak on H100)',
  },
  'vllm-0.5': {
    stepS: 0.006,
    perSequenceS: 0.00006,
    prefillS: 0.03,
    kvEfficiency: 0.74,
    compute: { bf16: 0.45, fp8: 0.2 },
    hostBound: true,
    basis:
      'LambdaLabs vllm-benchmark, vLLM 0.5.4, 320 ShareGPT prompts at once (rows LB*, −31% … +24% but LB5b, a cold start): 6 ms a step, 0.06 ms per decoding sequence and 30 ms per prefill step on an H100 host (CPU work between steps: × hostSlowdown elsewhere), and slow GEMMs (45% bf16, 20% fp8 of peak)',
  },
  'tensorrt-llm': {
    stepS: 0.0003,
    perSequenceS: 0,
    prefillS: 0.005,
    kvEfficiency: 0.95,
    compute: { bf16: 0.75, fp8: 0.52 },
    hostBound: false,
    basis:
      '0.3 ms a step: one captured CUDA graph per step, like gpt-fast (batch-1 rows GF1–GF8, −11% … +7%); KV reads at 95% of the streaming efficiency (TensorRT-LLM 1.0 long decodes at large batch, PV2 −2%, PV4 −3%); FP8 GEMMs at 52% of peak (NIM 1.8 5,000-token prefill in 407 ms, NIM2 −3%; prefill-heavy PV3 −1%, PV9 −3%)',
  },
  sglang: {
    stepS: 0.0007,
    perSequenceS: 0,
    prefillS: 0.005,
    kvEfficiency: 0.74,
    compute: { bf16: 0.75, fp8: 0.45 },
    hostBound: false,
    basis: 'no measurement of its own: vLLM V1 figures (both overlap CPU scheduling with the GPU)',
  },
};

/**
 * All-reduce latency over `tp` GPUs: a ring takes 2(tp − 1) hops, each with a fixed cost.
 * Set by gpt-fast's tensor-parallel batch-1 decode on A100 NVLink (rows GF2–GF4: 7B TP8
 * 3.04 ms, 70B TP4 26.3 ms and TP8 16.0 ms per token leave about 12 µs and 25 µs per
 * all-reduce at TP4 and TP8 once weights are read).
 */
export const ALL_REDUCE = {
  nvlink: { baseS: 2e-6, perHopS: 1.65e-6 },
  pcie: { baseS: 6e-6, perHopS: 5e-6 },
} as const;

/** GEMM efficiency is half its peak at this many tokens per step (small matrix multiplies do not fill the GPU). */
export const GEMM_HALF_TOKENS = 16;

/**
 * Expert weights of a mixture of experts are read at this share of the dense weight
 * efficiency: many small, separately launched GEMMs. Set by gpt-fast Mixtral-8x7B bf16 at
 * TP2/4/8 (rows GF6–GF8, 12.7 / 8.5 / 4.9 ms per token).
 */
export const EXPERT_READ_EFFICIENCY = 0.65;

/**
 * Weight-only quantized GEMMs (fp8 or int4 weights on a GPU without FP8 tensor cores, such
 * as Marlin kernels on A100) dequantize inside the main loop: compute-bound steps reach this
 * share of the BF16 GEMM efficiency. Set by vLLM 0.5.4 Llama-3.1-8B and 70B FP8 on A100
 * against the same runs on H100 (rows LB2, LB4: A100 is 2.2–2.3× slower where bandwidth
 * alone says 1.6×).
 */
export const WEIGHT_ONLY_COMPUTE = 0.85;

/**
 * Sustained share of the datasheet tensor peak: power-capped PCIe cards clock down under a
 * long GEMM load. It stacks with the engine's GEMM efficiency, so where an engine's kernels
 * are measured to do better on a card, the card's figure is given per engine.
 */
export const SUSTAINED_TENSOR: Readonly<Record<string, { readonly share: number; readonly byEngine?: Partial<Record<EngineId, number>>; readonly basis: string }>> = {
  a10g: { share: 0.7, basis: 'no measurement of its own: the L40S figure (150 W PCIe card)' },
  l4: { share: 0.7, basis: 'no measurement of its own: the L40S figure (72 W PCIe card, same Ada generation)' },
  l40s: {
    share: 0.7,
    byEngine: { 'tensorrt-llm': 1 },
    basis:
      "MLPerf v5.1 Llama-3.1-8B fp8 on L40S with vLLM 0.10, Offline and Server (row MS2 −0.3%): 0.7 × vLLM's 45% FP8 efficiency. TensorRT-LLM's FP8 GEMMs on L40S were measured 1.8× faster than that product (issue 14's comparison on held-out rows): 0.57 of peak, all of its 52% efficiency with no clock discount",
  },
  'h100-pcie': { share: 0.9, basis: 'no measurement of its own: a 350 W card against the SXM part’s 700 W' },
};

export function sustainedTensor(gpu: string, engine: EngineId): number {
  const row = SUSTAINED_TENSOR[gpu];
  return row ? (row.byEngine?.[engine] ?? row.share) : 1;
}
