/**
 * Open-model architectures: what decides weight memory, KV-cache size per token and FLOPs
 * per token. Figures from each model's Hugging Face config.json (and model card for the
 * parameter count); each row carries its source and the date it was read.
 */
export interface ModelSpec {
  readonly id: string;
  readonly name: string;
  /** Total parameters (every expert of a mixture of experts). */
  readonly params: number;
  /** Parameters used per token (equal to params for a dense model). */
  readonly activeParams: number;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly vocab: number;
  readonly contextLength: number;
  /** Mixture of experts: experts per layer and experts chosen per token. */
  readonly experts?: { readonly count: number; readonly perToken: number };
  readonly source: string;
  readonly asOf: string;
}

const hf = (repo: string) => `https://huggingface.co/${repo}/blob/main/config.json`;

export const MODELS: readonly ModelSpec[] = [
  {
    id: 'llama-3.1-8b', name: 'Llama 3.1 8B', params: 8.03e9, activeParams: 8.03e9, layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128,
    vocab: 128256, contextLength: 131072, source: hf('meta-llama/Llama-3.1-8B-Instruct'), asOf: '2024-07',
  },
  {
    id: 'llama-3.1-70b', name: 'Llama 3.1 70B', params: 70.6e9, activeParams: 70.6e9, layers: 80, hidden: 8192, heads: 64, kvHeads: 8, headDim: 128,
    vocab: 128256, contextLength: 131072, source: hf('meta-llama/Llama-3.1-70B-Instruct'), asOf: '2024-07',
  },
  {
    id: 'llama-3.1-405b', name: 'Llama 3.1 405B', params: 405.9e9, activeParams: 405.9e9, layers: 126, hidden: 16384, heads: 128, kvHeads: 8, headDim: 128,
    vocab: 128256, contextLength: 131072, source: hf('meta-llama/Llama-3.1-405B-Instruct'), asOf: '2024-07',
  },
  {
    id: 'llama-7b', name: 'LLaMA 7B (v1, for the TensorRT-LLM calibration points)', params: 6.74e9, activeParams: 6.74e9, layers: 32, hidden: 4096, heads: 32, kvHeads: 32,
    headDim: 128, vocab: 32000, contextLength: 2048, source: 'https://arxiv.org/abs/2302.13971 (Table 2); huggyllama/llama-7b config.json', asOf: '2023-02',
  },
  {
    id: 'mistral-7b', name: 'Mistral 7B v0.3', params: 7.25e9, activeParams: 7.25e9, layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128,
    vocab: 32768, contextLength: 32768, source: hf('mistralai/Mistral-7B-Instruct-v0.3'), asOf: '2024-05',
  },
  {
    id: 'mixtral-8x7b', name: 'Mixtral 8x7B', params: 46.7e9, activeParams: 12.9e9, layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128,
    vocab: 32000, contextLength: 32768, experts: { count: 8, perToken: 2 },
    source: `${hf('mistralai/Mixtral-8x7B-Instruct-v0.1')}; https://mistral.ai/news/mixtral-of-experts (46.7B total, 12.9B active)`, asOf: '2023-12',
  },
  {
    id: 'qwen2.5-7b', name: 'Qwen2.5 7B', params: 7.62e9, activeParams: 7.62e9, layers: 28, hidden: 3584, heads: 28, kvHeads: 4, headDim: 128,
    vocab: 152064, contextLength: 131072, source: hf('Qwen/Qwen2.5-7B-Instruct'), asOf: '2024-09',
  },
  {
    id: 'qwen2.5-32b', name: 'Qwen2.5 32B', params: 32.8e9, activeParams: 32.8e9, layers: 64, hidden: 5120, heads: 40, kvHeads: 8, headDim: 128,
    vocab: 152064, contextLength: 131072, source: hf('Qwen/Qwen2.5-32B-Instruct'), asOf: '2024-09',
  },
  {
    id: 'qwen2.5-72b', name: 'Qwen2.5 72B', params: 72.7e9, activeParams: 72.7e9, layers: 80, hidden: 8192, heads: 64, kvHeads: 8, headDim: 128,
    vocab: 152064, contextLength: 131072, source: hf('Qwen/Qwen2.5-72B-Instruct'), asOf: '2024-09',
  },
];

export const WEIGHT_DTYPES = ['bf16', 'fp8', 'int4'] as const;
export type WeightDtype = (typeof WEIGHT_DTYPES)[number];
export const KV_DTYPES = ['bf16', 'fp8'] as const;
export type KvDtype = (typeof KV_DTYPES)[number];

export const BYTES_PER_WEIGHT: Record<WeightDtype, number> = { bf16: 2, fp8: 1, int4: 0.5 };
export const BYTES_PER_KV_VALUE: Record<KvDtype, number> = { bf16: 2, fp8: 1 };
