/**
 * Step time from a roofline: the larger of compute (FLOPs against tensor throughput) and
 * memory traffic (weights plus the KV cache read, against bandwidth), plus what the engine
 * spends around each step and, with tensor parallelism, two all-reduces per layer.
 *
 *   compute = (2·activeParams·tokens + 4·layers·heads·headDim·attention) / (tp·peak·sustained·eff(tokens))
 *   memory  = (weights(tokens) + kvBytesPerToken·kvRead / effKv[engine]) / (tp·bandwidth·effWeights[gpu])
 *   comm    = 2·layers·(allReduce(tp) + ringBytes(tokens)/link)
 *   fixed   = step[engine] + perSequence[engine]·decoding + (prefill ? prefill[engine] : 0)
 *   step    = fixed + comm + max(compute, memory)
 *
 * eff(tokens) = effCompute[engine][dtype]·tokens/(tokens + GEMM_HALF_TOKENS): small matrix
 * multiplies do not reach peak. For a mixture of experts, weights(tokens) counts the
 * experts `tokens` tokens touch (each token picks perToken of count experts: a given expert
 * is untouched with probability (1 − perToken/count)^tokens), read at a lower efficiency.
 * Every fitted constant lives in calibration.ts.
 */
import type { EngineId, GpuSpec, ModelSpec } from '../catalog/index.js';
import { BYTES_PER_WEIGHT } from '../catalog/index.js';
import { ALL_REDUCE, ENGINE_COSTS, EXPERT_READ_EFFICIENCY, GEMM_HALF_TOKENS, GPU_EFFICIENCY, sustainedTensor, WEIGHT_ONLY_COMPUTE, type EngineCosts } from './calibration.js';
import { kvBytesPerToken, type ReplicaConfig } from './memory.js';
import { sumLinearOverSpan, type StepBreakdown, type StepTimeModel } from './step-time.js';

/** Bytes of activations per hidden element sent in an all-reduce. */
const ACTIVATION_BYTES = 2;

/**
 * A measured correction of the roofline (what `capsim calibrate` fits): memory traffic and
 * compute take these multiples of the time the constants give. 1 and 1 is the roofline.
 */
export interface RooflineScale {
  readonly memory: number;
  readonly compute: number;
}

export class RooflineStepTime implements StepTimeModel {
  readonly description: string;
  readonly key: string;
  private readonly costs: EngineCosts;
  /** Multiplies the engine's fixed costs: a slower host, for engines whose CPU work is between steps. */
  private readonly hostFactor: number;
  private readonly flopsPerToken: number;
  private readonly attnFlopsPerContext: number;
  private readonly kvBytes: number;
  private readonly peakFlops: number;
  private readonly bandwidth: number;
  private readonly expertBandwidth: number;
  private readonly kvBandwidth: number;
  private readonly effCompute: number;
  private readonly weightBytesDense: number;
  private readonly sharedWeightBytes: number;
  private readonly expertWeightBytes: number;
  private readonly expertPickShare: number;
  private readonly commPerToken: number;
  private readonly commFixed: number;

  constructor(config: ReplicaConfig, engine: EngineId = 'vllm', scale: RooflineScale = { memory: 1, compute: 1 }) {
    const { model, gpu, tp, dtype, kvDtype } = config;
    this.costs = ENGINE_COSTS[engine];
    this.hostFactor = this.costs.hostBound ? (GPU_EFFICIENCY[gpu.id]?.hostSlowdown ?? 1) : 1;
    const scaled = scale.memory !== 1 || scale.compute !== 1 ? `, calibrated: memory × ${scale.memory}, compute × ${scale.compute}` : '';
    this.description = `roofline: ${model.id} ${dtype} (KV ${kvDtype}) on ${tp} × ${gpu.id}, ${engine}${scaled}`;
    this.key = `roofline ${model.id} ${dtype} ${kvDtype} ${tp} ${gpu.id} ${engine} ${scale.memory} ${scale.compute}`;
    this.flopsPerToken = 2 * model.activeParams;
    this.attnFlopsPerContext = 4 * model.layers * model.heads * model.headDim;
    this.kvBytes = kvBytesPerToken(model, kvDtype, tp);
    this.peakFlops = (tp * peakTflops(gpu, dtype) * 1e12 * sustainedTensor(gpu.id, engine)) / scale.compute;
    const weightOnly = dtype !== 'bf16' && !usesFp8TensorCores(gpu, dtype);
    this.effCompute = usesFp8TensorCores(gpu, dtype) ? this.costs.compute.fp8 : this.costs.compute.bf16 * (weightOnly ? WEIGHT_ONLY_COMPUTE : 1);
    const weightsEfficiency = GPU_EFFICIENCY[gpu.id]?.weights ?? 0.8;
    this.bandwidth = (tp * gpu.bwTBps * 1e12 * weightsEfficiency) / scale.memory;
    this.expertBandwidth = this.bandwidth * EXPERT_READ_EFFICIENCY;
    this.kvBandwidth = this.bandwidth * this.costs.kvEfficiency;
    const bytesPerWeight = BYTES_PER_WEIGHT[dtype];
    this.weightBytesDense = model.params * bytesPerWeight;
    const split = expertSplit(model);
    this.sharedWeightBytes = split.shared * bytesPerWeight;
    this.expertWeightBytes = split.experts * bytesPerWeight;
    this.expertPickShare = model.experts ? model.experts.perToken / model.experts.count : 1;
    if (tp > 1) {
      const ringFactor = (2 * (tp - 1)) / tp;
      const allReduces = 2 * model.layers;
      const link = ALL_REDUCE[gpu.link];
      this.commPerToken = (allReduces * ringFactor * model.hidden * ACTIVATION_BYTES) / (gpu.linkGBps * 1e9);
      this.commFixed = allReduces * (link.baseS + 2 * (tp - 1) * link.perHopS);
    } else {
      this.commPerToken = 0;
      this.commFixed = 0;
    }
  }

  /** Weight bytes read by a step of `tokens` tokens (all of them for a dense model). */
  weightsRead(tokens: number): number {
    if (this.expertPickShare === 1) return this.weightBytesDense;
    return this.sharedWeightBytes + this.expertWeightBytes * this.touched(tokens);
  }

  /** Expected share of experts that `tokens` tokens touch. */
  private touched(tokens: number): number {
    return 1 - Math.pow(1 - this.expertPickShare, tokens);
  }

  /** Seconds to read the weights a step of `tokens` tokens needs. */
  private weightSeconds(tokens: number): number {
    if (this.expertPickShare === 1) return this.weightBytesDense / this.bandwidth;
    return this.sharedWeightBytes / this.bandwidth + (this.expertWeightBytes * this.touched(tokens)) / this.expertBandwidth;
  }

  private computeRate(tokens: number): number {
    return (this.peakFlops * this.effCompute * tokens) / (tokens + GEMM_HALF_TOKENS);
  }

  private communication(tokens: number): number {
    return this.commFixed + this.commPerToken * tokens;
  }

  private engineFixed(decoding: number, prefillTokens: number): number {
    return this.hostFactor * (this.costs.stepS + this.costs.perSequenceS * decoding + (prefillTokens > 0 ? this.costs.prefillS : 0));
  }

  breakdown(tokens: number, attention: number, kvRead: number, prefillTokens: number): StepBreakdown {
    const weights = this.weightSeconds(tokens);
    const kv = (this.kvBytes * kvRead) / this.kvBandwidth;
    const compute = (this.flopsPerToken * tokens + this.attnFlopsPerContext * attention) / this.computeRate(tokens);
    const communication = this.communication(tokens);
    const fixed = this.engineFixed(tokens - prefillTokens, prefillTokens);
    const bound = compute > weights + kv ? 'compute' : 'memory';
    return { weights, kv, compute, communication, fixed, total: fixed + communication + (bound === 'compute' ? compute : weights + kv), bound };
  }

  /** The same sum as breakdown(...).total, without building the breakdown (the hot path). */
  stepSeconds(tokens: number, attention: number, kvRead: number, prefillTokens: number): number {
    const memory = this.weightSeconds(tokens) + (this.kvBytes * kvRead) / this.kvBandwidth;
    const compute = (this.flopsPerToken * tokens + this.attnFlopsPerContext * attention) / this.computeRate(tokens);
    return this.engineFixed(tokens - prefillTokens, prefillTokens) + this.communication(tokens) + (compute > memory ? compute : memory);
  }

  /** Both roofline terms are linear in context; sum each over the part of the span where it is the larger. */
  decodeSpanSeconds(batch: number, context0: number, n: number): number {
    if (n <= 0) return 0;
    const rate = this.computeRate(batch);
    const fa = (this.flopsPerToken * batch) / rate;
    const fb = this.attnFlopsPerContext / rate;
    const ma = this.weightSeconds(batch);
    const mb = this.kvBytes / this.kvBandwidth;
    const fixed = (this.engineFixed(batch, 0) + this.communication(batch)) * n;
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
