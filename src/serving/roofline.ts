/**
 * Step time from a roofline: the larger of compute (FLOPs against tensor throughput) and
 * memory traffic (weights plus the KV cache read, against bandwidth), each with a
 * calibrated efficiency, plus a fixed per-step overhead and, with tensor parallelism, two
 * all-reduces per layer over the GPU link.
 *
 *   compute = (2·activeParams·tokens + 4·layers·heads·headDim·attention) / (tp·peak·eff(tokens))
 *   memory  = weightsRead(tokens) / (tp·bandwidth·effMem) + kvBytesPerToken·kvRead / (tp·bandwidth·effKv)
 *   step    = overhead + max(compute, memory) + comm(tokens)
 *
 * eff(tokens) = effCompute·tokens/(tokens + tokensHalf): small matrix multiplies do not
 * reach peak. Peak is the datasheet figure times the GPU's `sustainedTensor` (power-capped
 * PCIe cards throttle). A step that prefills prompt tokens pays a further fixed cost.
 * For a mixture of experts, weightsRead counts the experts that `tokens` tokens touch.
 *
 * CALIBRATION holds the efficiencies, fitted once to the published measurements listed in
 * test/serving/calibration.test.ts (MLPerf v5.1 Llama-3.1-8B on H100 and L40S; TensorRT-LLM
 * LLaMA-7B on A100; vLLM Llama-3.1-8B single-stream on A100-40GB).
 */
import type { GpuSpec, ModelSpec } from '../catalog/index.js';
import { BYTES_PER_WEIGHT } from '../catalog/index.js';
import { kvBytesPerToken, type ReplicaConfig } from './memory.js';
import { sumLinearOverSpan, type StepTimeModel } from './step-time.js';

export interface RooflineCalibration {
  /** Fraction of peak memory bandwidth reached reading weights (GEMV/GEMM). */
  readonly effMemory: number;
  /** Fraction of peak memory bandwidth reached reading the paged KV cache (attention gathers blocks). */
  readonly effKv: number;
  /** Fraction of peak tensor throughput reached by large GEMMs, by compute dtype. */
  readonly effCompute: { readonly bf16: number; readonly fp8: number };
  /** Tokens per step at which GEMM efficiency is half of effCompute. */
  readonly tokensHalf: number;
  /** Fixed cost of a step: scheduling, sampling, kernel launches (seconds). */
  readonly overheadS: number;
  /** Extra fixed cost of a step that prefills prompt tokens (input preparation, context-phase kernels). */
  readonly prefillOverheadS: number;
  /** Latency of one all-reduce (seconds), by link. */
  readonly allReduceLatencyS: { readonly nvlink: number; readonly pcie: number };
}

export const CALIBRATION: RooflineCalibration = {
  effMemory: 0.8,
  effKv: 0.5,
  effCompute: { bf16: 0.75, fp8: 0.45 },
  tokensHalf: 16,
  overheadS: 0.0007,
  prefillOverheadS: 0.005,
  allReduceLatencyS: { nvlink: 8e-6, pcie: 25e-6 },
};

/** Bytes of activations per hidden element sent in an all-reduce. */
const ACTIVATION_BYTES = 2;

export class RooflineStepTime implements StepTimeModel {
  readonly description: string;
  private readonly flopsPerToken: number;
  private readonly attnFlopsPerContext: number;
  private readonly kvBytes: number;
  private readonly peakFlops: number;
  private readonly bandwidth: number;
  private readonly kvBandwidth: number;
  private readonly effCompute: number;
  private readonly weightBytesDense: number;
  private readonly sharedWeightBytes: number;
  private readonly expertWeightBytes: number;
  private readonly expertPickShare: number;
  private readonly commPerToken: number;
  private readonly commFixed: number;

  constructor(
    config: ReplicaConfig,
    private readonly calib: RooflineCalibration = CALIBRATION,
  ) {
    const { model, gpu, tp, dtype, kvDtype } = config;
    this.description = `roofline: ${model.id} ${dtype} (KV ${kvDtype}) on ${tp} × ${gpu.id}`;
    this.flopsPerToken = 2 * model.activeParams;
    this.attnFlopsPerContext = 4 * model.layers * model.heads * model.headDim;
    this.kvBytes = kvBytesPerToken(model, kvDtype, tp);
    this.peakFlops = tp * peakTflops(gpu, dtype) * 1e12 * gpu.sustainedTensor;
    this.effCompute = usesFp8TensorCores(gpu, dtype) ? calib.effCompute.fp8 : calib.effCompute.bf16;
    this.bandwidth = tp * gpu.bwTBps * 1e12 * calib.effMemory;
    this.kvBandwidth = tp * gpu.bwTBps * 1e12 * calib.effKv;
    const bytesPerWeight = BYTES_PER_WEIGHT[dtype];
    this.weightBytesDense = model.params * bytesPerWeight;
    const split = expertSplit(model);
    this.sharedWeightBytes = split.shared * bytesPerWeight;
    this.expertWeightBytes = split.experts * bytesPerWeight;
    this.expertPickShare = model.experts ? model.experts.perToken / model.experts.count : 1;
    if (tp > 1) {
      const ringFactor = (2 * (tp - 1)) / tp;
      const allReduces = 2 * model.layers;
      this.commPerToken = (allReduces * ringFactor * model.hidden * ACTIVATION_BYTES) / (gpu.linkGBps * 1e9);
      this.commFixed = allReduces * calib.allReduceLatencyS[gpu.link];
    } else {
      this.commPerToken = 0;
      this.commFixed = 0;
    }
  }

  /** Weight bytes read by a step of `tokens` tokens (all of them for a dense model). */
  weightsRead(tokens: number): number {
    if (this.expertPickShare === 1) return this.weightBytesDense;
    const touched = 1 - Math.pow(1 - this.expertPickShare, tokens);
    return this.sharedWeightBytes + this.expertWeightBytes * touched;
  }

  private computeRate(tokens: number): number {
    return (this.peakFlops * this.effCompute * tokens) / (tokens + this.calib.tokensHalf);
  }

  private fixed(tokens: number): number {
    return this.calib.overheadS + this.commFixed + this.commPerToken * tokens;
  }

  stepSeconds(tokens: number, attention: number, kvRead: number, prefillTokens: number): number {
    const prefill = prefillTokens > 0 ? this.calib.prefillOverheadS : 0;
    const compute = (this.flopsPerToken * tokens + this.attnFlopsPerContext * attention) / this.computeRate(tokens);
    const memory = this.weightsRead(tokens) / this.bandwidth + (this.kvBytes * kvRead) / this.kvBandwidth;
    return this.fixed(tokens) + prefill + (compute > memory ? compute : memory);
  }

  /** Both roofline terms are linear in context; sum each over the part of the span where it is the larger. */
  decodeSpanSeconds(batch: number, context0: number, n: number): number {
    if (n <= 0) return 0;
    const rate = this.computeRate(batch);
    const fa = (this.flopsPerToken * batch) / rate;
    const fb = this.attnFlopsPerContext / rate;
    const ma = this.weightsRead(batch) / this.bandwidth;
    const mb = this.kvBytes / this.kvBandwidth;
    const fixed = this.fixed(batch) * n;
    const computeAt = (j: number) => fa + fb * (context0 + batch * (j + 1));
    const memoryAt = (j: number) => ma + mb * (context0 + batch * (j + 1));
    const computeFirst = computeAt(0) > memoryAt(0);
    const computeLast = computeAt(n - 1) > memoryAt(n - 1);
    if (computeFirst === computeLast) {
      return fixed + (computeFirst ? sumLinearOverSpan(fa, fb, batch, context0, 0, n) : sumLinearOverSpan(ma, mb, batch, context0, 0, n));
    }
    // The lines cross once: find the first step where the other term wins.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (computeAt(mid) > memoryAt(mid) === computeFirst) lo = mid + 1;
      else hi = mid;
    }
    const first = computeFirst ? sumLinearOverSpan(fa, fb, batch, context0, 0, lo) : sumLinearOverSpan(ma, mb, batch, context0, 0, lo);
    const rest = computeFirst ? sumLinearOverSpan(ma, mb, batch, context0, lo, n) : sumLinearOverSpan(fa, fb, batch, context0, lo, n);
    return fixed + first + rest;
  }
}

/** Peak dense TFLOPS for the weight dtype: FP8 (and int4 weight-only) use FP8 tensor cores where the GPU has them. */
export function peakTflops(gpu: GpuSpec, dtype: 'bf16' | 'fp8' | 'int4'): number {
  return usesFp8TensorCores(gpu, dtype) ? gpu.fp8Tflops! : gpu.bf16Tflops;
}

function usesFp8TensorCores(gpu: GpuSpec, dtype: 'bf16' | 'fp8' | 'int4'): boolean {
  return dtype === 'fp8' && gpu.fp8Tflops !== undefined;
}

/** Parameters outside the experts and inside them, from total and active counts. */
export function expertSplit(model: ModelSpec): { shared: number; experts: number } {
  if (!model.experts) return { shared: model.params, experts: 0 };
  const { count, perToken } = model.experts;
  const perExpert = (model.params - model.activeParams) / (count - perToken);
  return { shared: model.params - perExpert * count, experts: perExpert * count };
}
