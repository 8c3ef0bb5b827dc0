/**
 * The roofline's efficiencies (src/serving/roofline.ts CALIBRATION) were fitted once to
 * these published measurements; each must stay within ±20%.
 */
import { describe, expect, test } from 'vitest';
import { findGpu, findModel, type KvDtype, type WeightDtype } from '../../src/catalog/index.js';
import { cnnDailyMailRequests } from './published-setups.js';
import { replicaMemory, RooflineStepTime, runOffline, saturationRate, TableProfile, type ReplicaConfig } from '../../src/serving/index.js';

const config = (model: string, gpu: string, dtype: WeightDtype, kvDtype: KvDtype): ReplicaConfig => ({
  model: findModel(model)!,
  gpu: findGpu(gpu)!,
  tp: 1,
  dtype,
  kvDtype,
  gpuMemoryUtilization: 0.9,
});

const within20 = (actual: number, published: number) => expect(Math.abs(actual / published - 1)).toBeLessThanOrEqual(0.2);

describe('calibration against published measurements (±20%)', () => {
  const mlperf: [gpu: string, published: number][] = [
    // Red Hat's MLPerf Inference v5.1 submission, vLLM 0.10, Llama-3.1-8B FP8, Offline, tokens/s.
    ['h100-sxm', 5777],
    ['l40s', 1642],
  ];
  for (const [gpu, published] of mlperf) {
    test(`MLPerf v5.1 Offline, Llama-3.1-8B FP8 on 1 × ${gpu}: ${published} tok/s`, () => {
      const c = config('llama-3.1-8b', gpu, 'fp8', 'fp8');
      const result = runOffline(new RooflineStepTime(c), replicaMemory(c).kvBlocks, { maxNumSeqs: 512, maxNumBatchedTokens: 8192, prefill: 'chunked', kvAdmission: 'prompt' }, cnnDailyMailRequests(4000));
      within20(result.outputTokensPerSecond, published);
    });
  }

  // NVIDIA TensorRT-LLM figures quoted in LLM-Viewer issue #4: LLaMA-7B fp16 on A100.
  test('TensorRT-LLM, LLaMA-7B fp16 on A100, batch 256, 128 in / 128 out: 5,353 output tok/s', () => {
    const c = config('llama-7b', 'a100-80gb', 'bf16', 'bf16');
    const requests = Array.from({ length: 256 }, () => ({ input: 128, output: 128 }));
    const result = runOffline(new RooflineStepTime(c), replicaMemory(c).kvBlocks, { maxNumSeqs: 256, maxNumBatchedTokens: 32768, prefill: 'whole', kvAdmission: 'full' }, requests);
    within20(result.outputTokensPerSecond, 5353);
  });

  test('TensorRT-LLM, LLaMA-7B fp16 on A100, batch 1: TTFT 16.1 ms at 128 tokens, 120.5 ms at 2,048', () => {
    const step = new RooflineStepTime(config('llama-7b', 'a100-80gb', 'bf16', 'bf16'));
    const prefill = (p: number) => step.stepSeconds(p, (p * (p + 1)) / 2, p, p);
    within20(prefill(128), 0.0161);
    within20(prefill(2048), 0.1205);
  });

  test('vLLM 0.23, Llama-3.1-8B bf16 on A100-40GB, one stream, 1,024 in / 128 out: about 75 output tok/s', () => {
    const c = config('llama-3.1-8b', 'a100-40gb', 'bf16', 'bf16');
    const result = runOffline(new RooflineStepTime(c), replicaMemory(c).kvBlocks, { maxNumSeqs: 256, maxNumBatchedTokens: 8192, prefill: 'chunked', kvAdmission: 'prompt' }, [{ input: 1024, output: 128 }]);
    within20(result.outputTokensPerSecond, 75);
    // "about 77% of the memory-bandwidth roofline": weights read per token at peak bandwidth.
    const rooflineTokS = (1.555e12 / 16.06e9);
    within20(result.outputTokensPerSecond / rooflineTokS, 0.77);
  });
});

describe('the roofline generalises sensibly', () => {
  const step = new RooflineStepTime(config('llama-3.1-8b', 'h100-sxm', 'bf16', 'bf16'));
  test('decode steps grow with batch and context; tokens per second grows with batch', () => {
    let previous = 0;
    let previousRate = 0;
    for (const b of [1, 8, 32, 128, 256]) {
      const s = step.stepSeconds(b, b * 1024, b * 1024, 0);
      expect(s).toBeGreaterThan(previous);
      expect(b / s).toBeGreaterThan(previousRate);
      previous = s;
      previousRate = b / s;
    }
    expect(step.stepSeconds(8, 8 * 4096, 8 * 4096, 0)).toBeGreaterThan(step.stepSeconds(8, 8 * 1024, 8 * 1024, 0));
  });

  test('a faster GPU is faster, and fp8 weights speed up memory-bound decode', () => {
    const on = (gpu: string, dtype: WeightDtype) => new RooflineStepTime(config('llama-3.1-8b', gpu, dtype, 'bf16')).stepSeconds(1, 1024, 1024, 0);
    expect(on('h200', 'bf16')).toBeLessThan(on('h100-sxm', 'bf16'));
    expect(on('h100-sxm', 'bf16')).toBeLessThan(on('a100-80gb', 'bf16'));
    expect(on('a100-80gb', 'bf16')).toBeLessThan(on('l4', 'bf16'));
    expect(on('h100-sxm', 'fp8')).toBeLessThan(on('h100-sxm', 'bf16'));
  });

  test('a mixture of experts reads only the experts its tokens touch', () => {
    const moe = new RooflineStepTime(config('mixtral-8x7b', 'h100-sxm', 'fp8', 'fp8'));
    expect(moe.weightsRead(1)).toBeCloseTo(12.9e9, -7);
    expect(moe.weightsRead(1000)).toBeCloseTo(46.7e9, -7);
  });
});

describe('capsim perf term by term', () => {
  test("a step's terms add up to its time, on the side of the roofline it names", () => {
    const c: ReplicaConfig = { ...config('llama-3.1-70b', 'h100-sxm', 'fp8', 'fp8'), tp: 4 };
    const step = new RooflineStepTime(c, 'tensorrt-llm');
    for (const [tokens, attention, kvRead, prefill] of [
      [1, 1024, 1024, 0],
      [256, 256 * 1024, 256 * 1024, 0],
      [2048, (2048 * 2049) / 2, 2048, 2048],
    ] as const) {
      const t = step.breakdown(tokens, attention, kvRead, prefill);
      expect(t.total).toBe(step.stepSeconds(tokens, attention, kvRead, prefill));
      expect(t.total).toBeCloseTo(t.fixed + t.communication + (t.bound === 'compute' ? t.compute : t.weights + t.kv), 15);
      expect(t.bound === 'compute').toBe(t.compute > t.weights + t.kv);
      expect(t.communication).toBeGreaterThan(0);
    }
    expect(step.breakdown(2048, (2048 * 2049) / 2, 2048, 2048).bound).toBe('compute');
    expect(step.breakdown(1, 1024, 1024, 0).bound).toBe('memory');
  });
});

describe('FP8 compute on L40S, per engine', () => {
  test("TensorRT-LLM's FP8 prefill on L40S is about 1.65× vLLM's: the card's clock discount is not stacked on its kernels", () => {
    const c = config('llama-3.1-8b', 'l40s', 'fp8', 'fp8');
    const prefill = (engine: 'vllm' | 'tensorrt-llm') => {
      const t = new RooflineStepTime(c, engine).breakdown(4096, (4096 * 4097) / 2, 4096, 4096);
      expect(t.bound).toBe('compute');
      return t.compute;
    };
    // (52% of the whole peak) / (45% of 70% of it)
    expect(prefill('vllm') / prefill('tensorrt-llm')).toBeCloseTo(0.52 / (0.45 * 0.7), 6);
  });
});

describe('saturation rates are remembered by what decides them', () => {
  test('two step tables of the same shape but other times give other rates; the same one gives the same rate again', () => {
    const limits = { maxNumSeqs: 16, maxNumBatchedTokens: 4096, prefill: 'chunked', kvAdmission: 'prompt' } as const;
    const fast = new TableProfile({ batch: [1, 16], context: [128, 4096], seconds: [[0.01, 0.02], [0.02, 0.04]] });
    const slow = new TableProfile({ batch: [1, 16], context: [128, 4096], seconds: [[0.02, 0.04], [0.04, 0.08]] });
    const a = saturationRate(fast, 10_000, limits, 500, 100);
    const b = saturationRate(slow, 10_000, limits, 500, 100);
    expect(b).toBeCloseTo(a / 2, 6);
    expect(saturationRate(fast, 10_000, limits, 500, 100)).toBe(a);
    expect(saturationRate(fast, 10_000, { ...limits, maxNumSeqs: 8 }, 500, 100)).not.toBe(a);
  });
});
