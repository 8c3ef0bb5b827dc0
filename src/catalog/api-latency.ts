/**
 * How fast each API model answers: the median time to first token at a stated prompt
 * length, and the median output speed once it streams. Every row is a public measurement
 * with its source and date; a model without one gets DEFAULT_API_LATENCY, and outputs say
 * so. Time to first token grows with the prompt by TTFT_PER_INPUT_TOKEN.
 */
export interface ApiLatency {
  readonly model: string;
  /** Median time to first token (seconds), network included, measured with prompts of `promptTokens` tokens. */
  readonly ttftS: number;
  readonly promptTokens: number;
  /** Median output tokens per second after the first token. */
  readonly outputTokensPerSecond: number;
  readonly source: string;
  readonly asOf: string;
}

/** Seconds of time to first token each prompt token adds on shared APIs. */
export const TTFT_PER_INPUT_TOKEN = {
  seconds: 0.00005,
  source: 'https://www.nirmalya.net/posts/2026/02/prompt-size-impact-on-llm-response (on shared APIs every 500 more prompt tokens add 20–30 ms: 40–60 µs a token)',
  asOf: '2026-02',
} as const;

/**
 * Spread around the medians, as ratios p99 / median: time to first token 2.5 / 0.6 and
 * output speed 120 / 60, the shape of capsim's earlier single default (lognormal).
 */
export const API_LATENCY_SPREAD = { ttftP99OverMedian: 2.5 / 0.6, speedP99OverMedian: 2 } as const;

/** For models with no measurement here: capsim's earlier default, at a 1,000-token prompt. */
export const DEFAULT_API_LATENCY: Omit<ApiLatency, 'model'> = {
  ttftS: 0.6,
  promptTokens: 1000,
  outputTokensPerSecond: 60,
  source: 'capsim default (no measurement of this model in the built-in table)',
  asOf: '2025',
};

const AA = (slug: string) => `https://artificialanalysis.ai/models/${slug}/providers`;
const AA_MEDIANS_JUNE = 'https://induwara.lk/tools/ai-llm-speed-comparison (Artificial Analysis medians, verified 2026-06-24)';
const AA_MEDIANS_APRIL = 'https://benchlm.ai/llm-speed (Artificial Analysis medians, updated 2026-04-07)';
const TOKENWISE = 'https://tokenwisehq.com/free-tools/model-speed (median TTFT and output speed per model)';
const PROBES = "https://www.jonathanwrede.de/en/blog/ttft-varies-13x-across-llm-providers/ (hourly probes through OpenRouter: the prompt 'Hi', at most 20 tokens out)";

export const API_LATENCY: readonly ApiLatency[] = [
  // The articles' models (worked examples).
  { model: 'claude-3.5-sonnet', ttftS: 0.8, promptTokens: 1000, outputTokensPerSecond: 80, source: `${AA('claude-35-sonnet')}: Anthropic endpoint, two stored snapshots (0.81 s / 64 t/s and 0.80 s / 95 t/s), their mean`, asOf: '2025' },
  { model: 'claude-3.5-haiku', ttftS: 1.0, promptTokens: 1000, outputTokensPerSecond: 68, source: `${AA('claude-3-5-haiku')}: Anthropic endpoint 68 t/s; its TTFT ranked after Google Vertex's 0.99 s`, asOf: '2025' },
  { model: 'gpt-4o', ttftS: 0.45, promptTokens: 1000, outputTokensPerSecond: 131, source: AA_MEDIANS_JUNE, asOf: '2026-06' },
  { model: 'gpt-4o-mini', ttftS: 0.4, promptTokens: 1000, outputTokensPerSecond: 140, source: TOKENWISE, asOf: '2026' },
  { model: 'gemini-1.5-flash', ttftS: 0.35, promptTokens: 1000, outputTokensPerSecond: 190, source: TOKENWISE, asOf: '2026' },
  // Current families.
  { model: 'gpt-5', ttftS: 0.89, promptTokens: 1000, outputTokensPerSecond: 80, source: `${AA('gpt-5-minimal')}: OpenAI endpoint, minimal reasoning`, asOf: '2025-11' },
  { model: 'gpt-5.4-mini', ttftS: 3.86, promptTokens: 1000, outputTokensPerSecond: 201, source: `${AA_MEDIANS_APRIL} (a reasoning model: the first token follows its reasoning)`, asOf: '2026-04' },
  { model: 'gpt-5.4-nano', ttftS: 3.65, promptTokens: 1000, outputTokensPerSecond: 191, source: `${AA_MEDIANS_APRIL} (a reasoning model: the first token follows its reasoning)`, asOf: '2026-04' },
  { model: 'gpt-4.1', ttftS: 0.6, promptTokens: 1000, outputTokensPerSecond: 100, source: TOKENWISE, asOf: '2026' },
  { model: 'gpt-4.1-mini', ttftS: 0.93, promptTokens: 10000, outputTokensPerSecond: 77, source: `${AA('gpt-4-1-mini')}: OpenAI endpoint, 10,000-token prompts`, asOf: '2026' },
  { model: 'gpt-4.1-nano', ttftS: 0.63, promptTokens: 1000, outputTokensPerSecond: 181, source: AA_MEDIANS_APRIL, asOf: '2026-04' },
  { model: 'claude-opus-4-7', ttftS: 2.49, promptTokens: 2, outputTokensPerSecond: 95, source: PROBES, asOf: '2026' },
  { model: 'claude-sonnet-4-6', ttftS: 0.74, promptTokens: 1000, outputTokensPerSecond: 104, source: AA_MEDIANS_JUNE, asOf: '2026-06' },
  { model: 'claude-haiku-4-5', ttftS: 0.4, promptTokens: 1000, outputTokensPerSecond: 180, source: TOKENWISE, asOf: '2026' },
  { model: 'gemini-3-flash-preview', ttftS: 0.5, promptTokens: 1000, outputTokensPerSecond: 200, source: `${AA_MEDIANS_JUNE} (Gemini 3 Flash, Google AI Studio)`, asOf: '2026-06' },
  { model: 'gemini-2.5-flash', ttftS: 0.54, promptTokens: 1000, outputTokensPerSecond: 221, source: AA_MEDIANS_APRIL, asOf: '2026-04' },
  { model: 'gemini-2.5-flash-lite', ttftS: 0.32, promptTokens: 2, outputTokensPerSecond: 192, source: PROBES, asOf: '2026' },
];

export function findApiLatency(model: string | undefined): ApiLatency | undefined {
  return model === undefined ? undefined : API_LATENCY.find((l) => l.model === model);
}
