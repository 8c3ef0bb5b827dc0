/**
 * Memory arithmetic of one replica (model × GPU × tensor-parallel degree × dtype): weight
 * bytes, KV-cache bytes per token, and how many tokens of KV cache fit. Pure functions.
 *
 * Per GPU: usable = device memory (memMiB, as the driver reports it) × gpuMemoryUtilization − weights/tp − activation reserve; the
 * rest holds KV blocks of BLOCK_TOKENS tokens, as vLLM's PagedAttention allocates them.
 */
import { BYTES_PER_KV_VALUE, BYTES_PER_WEIGHT, type GpuSpec, type KvDtype, type ModelSpec, type WeightDtype } from '../catalog/index.js';

export const BLOCK_TOKENS = 16;
/** Activations, CUDA graphs and allocator slack held back per GPU (vLLM profiles ~1–2 GB for these sizes). */
export const ACTIVATION_RESERVE_GB = 1.5;

export interface ReplicaConfig {
  readonly model: ModelSpec;
  readonly gpu: GpuSpec;
  readonly tp: number;
  readonly dtype: WeightDtype;
  readonly kvDtype: KvDtype;
  readonly gpuMemoryUtilization: number;
}

export interface ReplicaMemory {
  /** All weights, across the replica's GPUs. */
  readonly weightBytes: number;
  readonly weightGBPerGpu: number;
  /** KV bytes per token across all GPUs of the replica (K and V, every layer). */
  readonly kvBytesPerToken: number;
  readonly usableGBPerGpu: number;
  readonly kvGBPerGpu: number;
  readonly kvBlocks: number;
  readonly kvCapacityTokens: number;
}

/** Device memory in decimal GB (what the driver reports, not the datasheet's round figure). */
export function deviceGB(gpu: GpuSpec): number {
  return (gpu.memMiB * 2 ** 20) / 1e9;
}

export function weightBytes(model: ModelSpec, dtype: WeightDtype): number {
  return model.params * BYTES_PER_WEIGHT[dtype];
}

/**
 * KV bytes per token for the whole replica. With tensor parallelism each GPU holds
 * kvHeads/tp heads; when tp exceeds kvHeads, heads are replicated, so a GPU still holds one.
 */
export function kvBytesPerToken(model: ModelSpec, kvDtype: KvDtype, tp = 1): number {
  const headsPerGpu = Math.max(1, model.kvHeads / tp);
  return 2 * model.layers * headsPerGpu * tp * model.headDim * BYTES_PER_KV_VALUE[kvDtype];
}

export function replicaMemory(c: ReplicaConfig): ReplicaMemory {
  const weights = weightBytes(c.model, c.dtype);
  const weightGBPerGpu = weights / c.tp / 1e9;
  const usableGBPerGpu = deviceGB(c.gpu) * c.gpuMemoryUtilization - ACTIVATION_RESERVE_GB;
  const kvGBPerGpu = Math.max(0, usableGBPerGpu - weightGBPerGpu);
  const kvPerToken = kvBytesPerToken(c.model, c.kvDtype, c.tp);
  const kvBlocks = Math.floor((kvGBPerGpu * 1e9 * c.tp) / (kvPerToken * BLOCK_TOKENS));
  return {
    weightBytes: weights,
    weightGBPerGpu,
    kvBytesPerToken: kvPerToken,
    usableGBPerGpu,
    kvGBPerGpu,
    kvBlocks,
    kvCapacityTokens: kvBlocks * BLOCK_TOKENS,
  };
}

/**
 * Why a replica cannot serve, with numbers and a way out; undefined when it can hold
 * its weights and at least one request of `minTokens` tokens of KV cache.
 */
/**
 * Tensor parallelism splits a model's attention heads evenly over its GPUs (vLLM refuses a
 * degree that does not divide them), so tp must be a divisor of the head count.
 */
export function tensorParallelProblem(model: ModelSpec, tp: number): string | undefined {
  if (model.heads % tp === 0) return undefined;
  const divisors = Array.from({ length: model.heads }, (_, i) => i + 1).filter((d) => model.heads % d === 0 && d <= 64);
  return `tp ${tp} does not divide ${model.id}'s ${model.heads} attention heads (the GPUs of a replica each take an equal share of them); use one of ${divisors.join(', ')}`;
}

export function fitProblem(c: ReplicaConfig, minTokens: number): string | undefined {
  const split = tensorParallelProblem(c.model, c.tp);
  if (split) return split;
  const mem = replicaMemory(c);
  const total = deviceGB(c.gpu) * c.tp;
  const weightsGB = mem.weightBytes / 1e9;
  const usable = mem.usableGBPerGpu * c.tp;
  if (mem.kvCapacityTokens >= minTokens) return undefined;
  const what = `${c.model.id} in ${c.dtype} needs ${Math.round(weightsGB)} GB for weights; ${c.tp} × ${c.gpu.id} has ${Math.round(total)} GB (${Math.round(usable)} GB usable at gpuMemoryUtilization ${c.gpuMemoryUtilization})`;
  const kvNote = weightsGB < usable ? `, which leaves room for only ${mem.kvCapacityTokens} tokens of KV cache (${minTokens} needed)` : '';
  return `${what}${kvNote}: ${suggestFit(c, minTokens)}`;
}

/** The smallest tensor-parallel degree (up to 8) at which a replica fits, for its dtype and each smaller one. */
function suggestFit(c: ReplicaConfig, minTokens: number): string {
  const fits = (config: ReplicaConfig) => replicaMemory(config).kvCapacityTokens >= minTokens;
  const options: string[] = [];
  const tp = [1, 2, 4, 8].find((t) => t > c.tp && fits({ ...c, tp: t }));
  if (tp !== undefined) options.push(`use tp >= ${tp}`);
  for (const dtype of ['fp8', 'int4'] as const) {
    if (BYTES_PER_WEIGHT[dtype] >= BYTES_PER_WEIGHT[c.dtype]) continue;
    const at = [1, 2, 4, 8].find((t) => t >= c.tp && fits({ ...c, dtype, tp: t }));
    if (at === undefined) continue;
    options.push(at === c.tp ? dtype : `${dtype} with tp >= ${at}`);
    if (at === c.tp) break;
  }
  if (options.length === 0) options.push('use a GPU with more memory');
  return options.join(', or ');
}
