/**
 * catalog/ — dated, sourced facts: GPUs (`gpus.ts`), open-model architectures
 * (`models.ts`), API token prices (`api-prices.ts`, plus a LiteLLM catalog reader) and GPU
 * hourly prices by provider (`gpu-prices.ts`). Look rows up with the `find*` functions.
 */
import { GPUS, type GpuSpec } from './gpus.js';
import { MODELS, type ModelSpec } from './models.js';

export * from './gpus.js';
export * from './models.js';

export const GPU_IDS: readonly string[] = GPUS.map((g) => g.id);
export const MODEL_IDS: readonly string[] = MODELS.map((m) => m.id);

export function findGpu(id: string): GpuSpec | undefined {
  return GPUS.find((g) => g.id === id);
}

export function findModel(id: string): ModelSpec | undefined {
  return MODELS.find((m) => m.id === id);
}
export * from './api-prices.js';
export * from './gpu-prices.js';
export * from './engines.js';
export * from './api-latency.js';
