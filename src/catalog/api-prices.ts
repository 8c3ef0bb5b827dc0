/**
 * Pay-per-token API prices, USD per million tokens: input, cached input (prompt-cache
 * reads), output, and the batch tier. A built-in, dated table, and a reader for LiteLLM's
 * `model_prices_and_context_window.json` (per-token keys) so users can point at a newer one.
 */
export interface ApiPrice {
  readonly model: string;
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  /** Prompt-cache read price; undefined where the provider has no discount (input price then applies). */
  readonly cachedInputPerMTok: number | undefined;
  /** Batch-tier prices; undefined where there is no batch tier. */
  readonly batchInputPerMTok: number | undefined;
  readonly batchOutputPerMTok: number | undefined;
  /** Prompt + output tokens one call may hold; undefined where the catalog does not say. */
  readonly contextWindow: number | undefined;
  readonly source: string;
  readonly asOf: string;
}

const ARTICLE = 'llm-inference-economics-2026 (shared articles), per-token table of February 2026';
const LITELLM = "LiteLLM model_prices_and_context_window.json (shared data prices/), keys input/output_cost_per_token, cache_read_input_token_cost, *_batches";
const ANTHROPIC = 'https://www.anthropic.com/pricing (prompt-cache reads at 10% of input; Message Batches at 50%)';
const GOOGLE = 'https://ai.google.dev/pricing (batch at 50%; context caching at 25% of input)';
/** Context windows: LiteLLM's max_input_tokens (shared data, read 2026-11) where it has the model, else the vendor's model page. */
const CONTEXT = {
  claude: 'context 200,000: LiteLLM max_input_tokens of anthropic.claude-3-5-*-20241022 rows; https://docs.anthropic.com/en/docs/about-claude/models',
  openai: 'context 128,000: LiteLLM max_input_tokens (gpt-4o, gpt-4o-mini)',
  gemini: 'context 2,097,152 (Pro) / 1,048,576 (Flash): https://ai.google.dev/gemini-api/docs/models/gemini (1.5 models)',
};

export const API_PRICES: readonly ApiPrice[] = [
  { model: 'claude-3.5-sonnet', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, batchInputPerMTok: 1.5, batchOutputPerMTok: 7.5, contextWindow: 200_000, source: `${ARTICLE}; ${ANTHROPIC}; ${CONTEXT.claude}`, asOf: '2026-02' },
  { model: 'claude-3.5-haiku', inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08, batchInputPerMTok: 0.4, batchOutputPerMTok: 2, contextWindow: 200_000, source: `${ARTICLE}; ${ANTHROPIC}; ${CONTEXT.claude}`, asOf: '2026-02' },
  { model: 'gpt-4o', inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25, batchInputPerMTok: 1.25, batchOutputPerMTok: 5, contextWindow: 128_000, source: `${ARTICLE}; ${LITELLM} (gpt-4o); ${CONTEXT.openai}`, asOf: '2026-02' },
  { model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, batchInputPerMTok: 0.075, batchOutputPerMTok: 0.3, contextWindow: 128_000, source: `${ARTICLE}; ${LITELLM} (gpt-4o-mini); ${CONTEXT.openai}`, asOf: '2026-02' },
  { model: 'gemini-1.5-pro', inputPerMTok: 1.25, outputPerMTok: 5, cachedInputPerMTok: 0.3125, batchInputPerMTok: 0.625, batchOutputPerMTok: 2.5, contextWindow: 2_097_152, source: `${ARTICLE}; ${GOOGLE}; ${CONTEXT.gemini}`, asOf: '2026-02' },
  { model: 'gemini-1.5-flash', inputPerMTok: 0.075, outputPerMTok: 0.3, cachedInputPerMTok: 0.01875, batchInputPerMTok: 0.0375, batchOutputPerMTok: 0.15, contextWindow: 1_048_576, source: `${ARTICLE}; ${GOOGLE}; ${CONTEXT.gemini}`, asOf: '2026-02' },
];

/** LiteLLM's catalog in the shared data, as mirrored on 2026-07-24 (RoCry/llm-api-price @8442b93). */
const LITELLM_2026_07 = "LiteLLM model_prices_and_context_window.json of 2026-07-24 (shared data prices/): input/output_cost_per_token, cache_read_input_token_cost, *_batches, max_input_tokens";
const OPENAI_BATCH = 'https://platform.openai.com/docs/guides/batch (Batch API at 50%)';
const ANTHROPIC_BATCH = 'https://docs.anthropic.com/en/docs/build-with-claude/batch-processing (Message Batches at 50%)';
const GOOGLE_BATCH = 'https://ai.google.dev/gemini-api/docs/batch-mode (batch at 50%)';
/** Tiered models: the prices below the tier's threshold (longer prompts cost more). */
const TIERED = (threshold: string) => `prices for prompts up to ${threshold} tokens; longer ones cost more`;

/** The current families of the major providers: LiteLLM's figures; batch at 50% where LiteLLM has no batch price, per the vendor. */
const CURRENT: readonly ApiPrice[] = [
  ['gpt-5.5', 5, 30, 0.5, 2.5, 15, 1_050_000, TIERED('272k')],
  ['gpt-5.4', 2.5, 15, 0.25, 1.25, 7.5, 1_050_000, TIERED('272k')],
  ['gpt-5.4-mini', 0.75, 4.5, 0.075, 0.375, 2.25, 1_050_000, ''],
  ['gpt-5.4-nano', 0.2, 1.25, 0.02, 0.1, 0.625, 1_050_000, ''],
  ['gpt-5', 1.25, 10, 0.125, 0.625, 5, 272_000, OPENAI_BATCH],
  ['gpt-5-mini', 0.25, 2, 0.025, 0.125, 1, 272_000, OPENAI_BATCH],
  ['gpt-5-nano', 0.05, 0.4, 0.005, 0.025, 0.2, 272_000, OPENAI_BATCH],
  ['gpt-4.1', 2, 8, 0.5, 1, 4, 1_047_576, ''],
  ['gpt-4.1-mini', 0.4, 1.6, 0.1, 0.2, 0.8, 1_047_576, ''],
  ['gpt-4.1-nano', 0.1, 0.4, 0.025, 0.05, 0.2, 1_047_576, ''],
  ['claude-opus-4-7', 5, 25, 0.5, 2.5, 12.5, 1_000_000, ANTHROPIC_BATCH],
  ['claude-sonnet-4-6', 3, 15, 0.3, 1.5, 7.5, 1_000_000, ANTHROPIC_BATCH],
  ['claude-sonnet-4-5', 3, 15, 0.3, 1.5, 7.5, 200_000, `${ANTHROPIC_BATCH}; ${TIERED('200k')}`],
  ['claude-haiku-4-5', 1, 5, 0.1, 0.5, 2.5, 200_000, ANTHROPIC_BATCH],
  ['gemini-3.1-pro-preview', 2, 12, 0.2, 1, 6, 1_048_576, TIERED('200k')],
  ['gemini-3-flash-preview', 0.5, 3, 0.05, 0.25, 1.5, 1_048_576, GOOGLE_BATCH],
  ['gemini-2.5-pro', 1.25, 10, 0.125, 0.625, 5, 1_048_576, `${GOOGLE_BATCH}; ${TIERED('200k')}`],
  ['gemini-2.5-flash', 0.3, 2.5, 0.03, 0.15, 1.25, 1_048_576, GOOGLE_BATCH],
  ['gemini-2.5-flash-lite', 0.1, 0.4, 0.01, 0.05, 0.2, 1_048_576, GOOGLE_BATCH],
].map(([model, input, output, cached, batchIn, batchOut, context, note]) => ({
  model: model as string,
  inputPerMTok: input as number,
  outputPerMTok: output as number,
  cachedInputPerMTok: cached as number,
  batchInputPerMTok: batchIn as number,
  batchOutputPerMTok: batchOut as number,
  contextWindow: context as number,
  source: note ? `${LITELLM_2026_07}; ${note as string}` : LITELLM_2026_07,
  asOf: '2026-07',
}));

/** The articles' models (their worked examples) and the current families. */
export const BUILT_IN_API_CATALOG = { name: 'built-in API price table', asOf: '2026-07', prices: [...API_PRICES, ...CURRENT] } as const;

export interface ApiPriceCatalog {
  readonly name: string;
  readonly asOf: string;
  readonly prices: readonly ApiPrice[];
}

/** Why a LiteLLM catalog could not be read. */
export class PriceCatalogError extends Error {}

/**
 * Reads LiteLLM's JSON: an object of model name → fields with per-token prices. Entries
 * without both input and output prices (images, embeddings, the sample spec) are skipped.
 */
export function parseLiteLlmCatalog(text: string, name: string, asOf: string): ApiPriceCatalog {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PriceCatalogError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new PriceCatalogError(`${name} is not a JSON object of model name → prices (LiteLLM's format).`);
  const prices: ApiPrice[] = [];
  // A price must be a finite number from 0 to $1,000 a token (a billion per million, the
  // scenario's own limit); anything else counts as no price (the entry is skipped, or has
  // no cache or batch price).
  const perM = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1000 ? v * 1e6 : undefined);
  for (const [model, entry] of Object.entries(data as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    const input = perM(e['input_cost_per_token']);
    const output = perM(e['output_cost_per_token']);
    if (input === undefined || output === undefined || model === 'sample_spec') continue;
    prices.push({
      model,
      inputPerMTok: input,
      outputPerMTok: output,
      cachedInputPerMTok: perM(e['cache_read_input_token_cost']),
      batchInputPerMTok: perM(e['input_cost_per_token_batches']),
      batchOutputPerMTok: perM(e['output_cost_per_token_batches']),
      contextWindow: typeof e['max_input_tokens'] === 'number' && e['max_input_tokens'] > 0 ? e['max_input_tokens'] : undefined,
      source: `${name} (${model})`,
      asOf,
    });
  }
  if (prices.length === 0) throw new PriceCatalogError(`${name} has no model with input_cost_per_token and output_cost_per_token.`);
  return { name, asOf, prices };
}

export function findApiPrice(catalog: ApiPriceCatalog, model: string): ApiPrice | undefined {
  return catalog.prices.find((p) => p.model === model);
}

/** Models whose name contains every word of the query (case-insensitive). */
export function searchApiPrices(catalog: ApiPriceCatalog, query: string): ApiPrice[] {
  const q = query.toLowerCase().trim();
  const words = q.split(/\s+/).filter(Boolean);
  // Exact name first, then names that start with the query, then the shortest.
  const rank = (m: string) => (m === q ? 0 : m.startsWith(q) ? 1 : 2);
  return catalog.prices
    .filter((p) => words.every((w) => p.model.toLowerCase().includes(w)))
    .sort((a, b) => rank(a.model.toLowerCase()) - rank(b.model.toLowerCase()) || a.model.length - b.model.length || a.model.localeCompare(b.model));
}
