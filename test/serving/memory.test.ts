import { describe, expect, test } from 'vitest';
import { findGpu, findModel } from '../../src/catalog/index.js';
import { ACTIVATION_RESERVE_GB, fitProblem, kvBytesPerToken, replicaMemory, weightBytes, type ReplicaConfig } from '../../src/serving/index.js';

const config = (model: string, gpu: string, tp: number, dtype: ReplicaConfig['dtype'], kvDtype: ReplicaConfig['kvDtype'] = 'bf16'): ReplicaConfig => ({
  model: findModel(model)!,
  gpu: findGpu(gpu)!,
  tp,
  dtype,
  kvDtype,
  gpuMemoryUtilization: 0.9,
});

describe('memory arithmetic, against hand-computed figures', () => {
  test('llama-3.1-8b bf16 on one h100-sxm', () => {
    const c = config('llama-3.1-8b', 'h100-sxm', 1, 'bf16');
    // 8.03e9 params × 2 bytes
    expect(weightBytes(c.model, 'bf16')).toBe(16.06e9);
    // K and V × 32 layers × 8 KV heads × 128 dims × 2 bytes = 131,072 bytes
    expect(kvBytesPerToken(c.model, 'bf16')).toBe(131_072);
    const mem = replicaMemory(c);
    // The driver reports 81,559 MiB = 85.5207 GB; × 0.9 − 1.5 GB reserve − 16.06 GB weights
    // = 59.4086 GB of KV → 59.4086e9 / (131,072 × 16) blocks
    expect(ACTIVATION_RESERVE_GB).toBe(1.5);
    const device = (81_559 * 2 ** 20) / 1e9;
    expect(mem.kvGBPerGpu).toBeCloseTo(device * 0.9 - 1.5 - 16.06, 9);
    expect(mem.kvGBPerGpu).toBeCloseTo(59.4087, 4);
    expect(mem.kvBlocks).toBe(Math.floor(((device * 0.9 - 1.5 - 16.06) * 1e9) / (131_072 * 16)));
    expect(mem.kvCapacityTokens).toBe(28_328 * 16);
  });

  test('llama-3.1-70b: 320 KiB of KV per token; fp8 halves it', () => {
    const m = findModel('llama-3.1-70b')!;
    expect(kvBytesPerToken(m, 'bf16')).toBe(2 * 80 * 8 * 128 * 2);
    expect(kvBytesPerToken(m, 'fp8')).toBe(2 * 80 * 8 * 128);
    expect(weightBytes(m, 'fp8')).toBe(70.6e9);
    expect(weightBytes(m, 'int4')).toBe(35.3e9);
  });

  test('llama-3.1-70b fp8 on 2 × h100-sxm leaves 2 × (76.97 − 1.5 − 35.3) GB for KV', () => {
    const mem = replicaMemory(config('llama-3.1-70b', 'h100-sxm', 2, 'fp8', 'fp8'));
    expect(mem.weightGBPerGpu).toBeCloseTo(35.3, 9);
    expect(mem.kvBlocks).toBe(Math.floor((2 * (((81_559 * 2 ** 20) / 1e9) * 0.9 - 1.5 - 35.3) * 1e9) / (163_840 * 16)));
  });

  test('tensor parallelism beyond the KV heads replicates them', () => {
    const m = findModel('llama-3.1-8b')!;
    expect(kvBytesPerToken(m, 'bf16', 8)).toBe(131_072);
    expect(kvBytesPerToken(m, 'bf16', 16)).toBe(2 * 131_072);
  });

  test('a model that does not fit says so with numbers and a way out', () => {
    expect(fitProblem(config('llama-3.1-70b', 'h100-sxm', 1, 'bf16'), 2000)).toBe(
      'llama-3.1-70b in bf16 needs 141 GB for weights; 1 × h100-sxm has 86 GB (75 GB usable at gpuMemoryUtilization 0.9): use tp >= 2, or fp8',
    );
    expect(fitProblem(config('llama-3.1-70b', 'a100-40gb', 2, 'bf16'), 2000)).toMatch(/needs 141 GB for weights; 2 × a100-40gb has 86 GB .*: use tp >= 4, or fp8/);
    expect(fitProblem(config('llama-3.1-8b', 'l4', 1, 'bf16'), 2000)).toBeUndefined();
  });
});
